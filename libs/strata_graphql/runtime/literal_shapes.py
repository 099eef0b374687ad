"""The shape of a piece of GraphQL text: the text with every string and number literal replaced
by a marker of its kind. Two fields with the same shape differ in literal values only, so the
validation of one speaks for the other in everything but those values (see `bulk_validation`).

One regular expression does it (a field of a bulk document in a few microseconds). Comments
are kept as they are, so a quote inside one starts no string. Text the expression cannot be
sure of (variables, default values, block strings) is its own shape: it is never merged with
another.
"""

from __future__ import annotations

import re

__all__ = ["literal_shape"]

_TOKENS = re.compile(
    r'(?P<block>""")'
    r'|(?P<string>"(?:[^"\\\n\r]|\\.)*")'
    r"|(?P<comment>\#[^\n\r]*)"
    r"|(?P<number>(?<![\w.])-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![\w.]))"
    r"|(?P<stop>[$=])"
)
# NUL cannot occur in GraphQL source text, so a marker never equals anything a client wrote.
_MARKERS = {"string": "\0s", "number": "\0n"}


class _Unsure(Exception):
    pass


def _marker(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "comment":
        return match.group()
    if kind in _MARKERS:
        return _MARKERS[kind]
    raise _Unsure


def literal_shape(text: str) -> str:
    """`text` with its literals replaced by kind markers, or `text` itself (with a NUL in front,
    so it equals no marked shape) when it holds what the expression does not handle."""
    try:
        return _TOKENS.sub(_marker, text)
    except _Unsure:
        return "\0" + text
