"""Parsing a large bulk document into as few objects as the request needs.

graphql-core's parser gives every node a `Location`, which holds its first and last token, and
its lexer links every token to the one before and after it. A document of 1,000 creates made
~123,000 tracked objects, all alive while the request runs and freed as cyclic garbage after
it: the young and middle collections that walked and freed them were ~40 % of a bulk request's
CPU (measured). Parsed here without locations, and with the token chain unlinked once parsed,
the tokens are freed at once by reference counting and the request keeps the nodes alone
(~44,000 for 1,000 creates).

What locations served is kept: the text span of each root field of the operation, which
`bulk_validation` needs to group fields by shape, is recorded while parsing; the errors of a
refused document get their line and column from a parse with locations (`locate_errors`),
on that path alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from graphql import DocumentNode, FieldNode, GraphQLError, OperationDefinitionNode, Source
from graphql.language import Lexer, SelectionSetNode, Token, TokenKind
from graphql.language.parser import Parser

from strata_core.gc_pause import gc_paused

__all__ = ["ParsedBulk", "locate_errors", "parse_bulk"]


class ParsedBulk(NamedTuple):
    document: DocumentNode
    # the text span (start, end) of each root field of the operation from its name on (its
    # alias left out: it differs from field to field), by the field node's id
    root_spans: dict[int, tuple[int, int]]


class _RootSpanParser(Parser):
    """A parser without locations that notes where each field of the first level starts and
    ends in the text, from its name (the operation's root fields, and a fragment's own fields)."""

    def __init__(self, source: Source, lexer: Lexer) -> None:
        super().__init__(source, no_location=True, lexer=lexer)
        self._tokens = lexer
        self._selection_depth = 0
        self.root_spans: dict[int, tuple[int, int]] = {}

    def parse_selection_set(self) -> SelectionSetNode:
        self._selection_depth += 1
        try:
            return super().parse_selection_set()
        finally:
            self._selection_depth -= 1

    def parse_field(self) -> FieldNode:
        first = self._tokens.token
        field = super().parse_field()
        if self._selection_depth == 1:
            name: Token | None = first
            if field.alias is not None:  # the name follows the colon (and any comment)
                name = first.next
                while name is not None and name.kind != TokenKind.NAME:
                    name = name.next
            self.root_spans[id(field)] = ((name or first).start, self._tokens.last_token.end)
        return field


def parse_bulk(query: str) -> ParsedBulk:
    """Raises GraphQLSyntaxError as `graphql.parse` does."""
    source = Source(query)
    lexer = Lexer(source)
    with gc_paused():  # a hundred thousand nodes, no cycles once the tokens are unlinked
        try:
            parser = _RootSpanParser(source, lexer)
            document = parser.parse_document()
        finally:
            _unlink_tokens(lexer)
    return ParsedBulk(document, parser.root_spans)


def _unlink_tokens(lexer: Lexer) -> None:
    """Break the token chain's links both ways, from the last token read back to the first: no
    node refers to a token without locations, so each is then freed by its reference count."""
    token: Token | None = lexer.token
    while token is not None:
        previous = token.prev
        token.prev = token.next = None
        token = previous


def locate_errors(errors: Sequence[GraphQLError], located: DocumentNode) -> list[GraphQLError]:
    """`errors` of a document parsed without locations, each given the locations of its root
    field (the one its path starts with) in `located`, the same text parsed with locations. An
    error that has locations already, or names no root field, is kept as it is."""
    operation = next((d for d in located.definitions if isinstance(d, OperationDefinitionNode)), None)
    fields = {} if operation is None else {
        (f.alias or f.name).value: f for f in operation.selection_set.selections if isinstance(f, FieldNode)
    }  # fmt: skip
    answered = []
    for error in errors:
        field = fields.get(str(error.path[0])) if error.path and not error.locations else None
        if field is None:
            answered.append(error)
            continue
        answered.append(GraphQLError(
            error.message, nodes=[field], path=error.path, original_error=error.original_error,
            extensions=error.extensions,
        ))  # fmt: skip
    return answered
