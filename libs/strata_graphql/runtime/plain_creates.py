"""Reading a plain bulk create document straight into Python values, without an AST.

graphql-core's parser spent 150-250 ms on a document of 1,000 creates, a third of the request:
it lexes into linked tokens and builds ~44,000 nodes that are only walked once more to coerce
the arguments. Most bulk documents are plain: `mutation [Name] { a: XCreate(data: {...}) { ok }
... }`, with literal arguments only. Such a document is read here by one regular expression
and a small descent over its tokens, into each field's arguments as Python values.

The reader accepts a strict subset of GraphQL and says None for anything else (variables,
fragments, directives, enum values, block strings, `\\u` escapes, a selection other than
`{ ok }`, a key given twice, ...): the caller then takes the general path, which handles every
document and reports every error. So nothing outside the subset is ever accepted here; what is
accepted is read exactly as graphql-core reads it (tested against its parser).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

__all__ = ["PlainCreate", "PlainDocument", "read_plain_creates"]

# One token per match. Whitespace, commas and a byte order mark separate tokens (GraphQL's
# ignored tokens); any other character that starts no token is caught by the last branch and
# makes the document not plain. A number may not run into a name or a dot (graphql-core refuses
# `1500abc`), a string holds no line break, control character or lone surrogate, and its
# escapes are those JSON shares with GraphQL.
_TOKEN = re.compile(
    r'"(?:[^"\\\x00-\x08\x0a-\x1f\ud800-\udfff]|\\["\\/bfnrt])*"'
    r"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![.A-Za-z0-9_])"
    r"|[A-Za-z_][A-Za-z0-9_]*"
    r"|#[^\n\r]*"
    r"|[^\t \n\r,\ufeff]"
)
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NUMBER_START = frozenset("-0123456789")
_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None}
_ESCAPED = json.JSONDecoder(strict=False)  # the tab GraphQL allows in a string, JSON does not


class PlainCreate(NamedTuple):
    response_name: str  # the alias, or the field's name
    field: str  # `<Kind>Create`
    arguments: dict[str, Any]  # each argument's literal as a Python value, not yet coerced


class PlainDocument(NamedTuple):
    operation_name: str | None
    creates: list[PlainCreate]


class _NotPlain(Exception):
    pass


def read_plain_creates(query: str) -> PlainDocument | None:
    """The document's root fields and their literal arguments, or None when it is not a plain
    bulk create document (see the module's doc)."""
    if '"""' in query:  # a block string would read as three strings
        return None
    tokens = _TOKEN.findall(query)
    if "#" in query:
        tokens = [t for t in tokens if t[0] != "#"]
    stream = iter(tokens)
    try:
        document = _document(stream)
    except (_NotPlain, StopIteration, ValueError):  # ValueError: a lone minus sign
        return None
    if next(stream, None) is not None:  # fragments or a second operation follow
        return None
    return document


def _document(stream: Iterator[str]) -> PlainDocument:
    if next(stream) != "mutation":
        raise _NotPlain
    token = next(stream)
    operation_name = None
    if token[0] in _NAME_START:
        operation_name, token = token, next(stream)
    if token != "{":
        raise _NotPlain
    creates = []
    token = next(stream)
    while token != "}":
        creates.append(_create(token, stream))
        token = next(stream)
    return PlainDocument(operation_name, creates)


def _create(first: str, stream: Iterator[str]) -> PlainCreate:
    _name(first)
    token = next(stream)
    response_name = field = first
    if token == ":":
        field = _name(next(stream))
        token = next(stream)
    arguments: dict[str, Any] = {}
    if token == "(":
        token = next(stream)
        if token == ")":  # GraphQL's arguments are never empty
            raise _NotPlain
        while token != ")":
            if token in arguments:
                raise _NotPlain
            _colon(next(stream))
            arguments[_name(token)] = _value(next(stream), stream)
            token = next(stream)
        token = next(stream)
    if token != "{" or next(stream) != "ok" or next(stream) != "}":
        raise _NotPlain
    return PlainCreate(response_name, field, arguments)


def _value(token: str, stream: Iterator[str]) -> Any:
    first = token[0]
    if first == '"':
        if len(token) == 1:  # a quote no string rule matched: an escape or character outside the subset
            raise _NotPlain
        return token[1:-1] if "\\" not in token else _ESCAPED.decode(token)
    if first == "{":
        fields: dict[str, Any] = {}
        token = next(stream)
        while token != "}":
            if token in fields:  # graphql-core refuses a field given twice
                raise _NotPlain
            _colon(next(stream))
            fields[_name(token)] = _value(next(stream), stream)
            token = next(stream)
        return fields
    if first == "[":
        items = []
        token = next(stream)
        while token != "]":
            items.append(_value(token, stream))
            token = next(stream)
        return items
    if first in _NUMBER_START:
        if token == "-0":  # an ID keeps an Int literal's text, which a Python int loses
            raise _NotPlain
        return float(token) if ("." in token or "e" in token or "E" in token) else int(token)
    if token in _WORDS:
        return _WORDS[token]
    raise _NotPlain  # an enum value, a variable, or punctuation where a value belongs


def _name(token: str) -> str:
    if token[0] not in _NAME_START:
        raise _NotPlain
    return token


def _colon(token: str) -> None:
    if token != ":":
        raise _NotPlain
