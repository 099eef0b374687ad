"""Parsed, validated and planned documents, kept per schema hash and query text.

Clients (the SDK, automation) send the same few documents over and over; parsing and
validating a large one costs milliseconds each time, planning it more. The cache is an object
the service owns and passes in, like `GraphQLSchemaCache`.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from graphql.error import GraphQLSyntaxError

from strata_graphql.limits import VALIDATION_RULES
from strata_graphql.runtime.selection_plan import OperationPlan, Unsupported, compile_operation

__all__ = ["DocumentCache", "PreparedDocument"]


class PreparedDocument(NamedTuple):
    document: DocumentNode | None  # None when it does not parse
    errors: list[GraphQLError]  # syntax or validation errors
    plan: OperationPlan | None  # None when the planned executor does not handle it


class DocumentCache:
    def __init__(self, maxsize: int = 512) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, str, str | None], PreparedDocument] = OrderedDict()

    def prepare(
        self, schema: GraphQLSchema, schema_hash: str, query: str, operation_name: str | None
    ) -> PreparedDocument:
        key = (schema_hash, query, operation_name)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found
        prepared = _prepare(schema, query, operation_name)
        self._entries[key] = prepared
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return prepared

    def __len__(self) -> int:
        return len(self._entries)


def _prepare(schema: GraphQLSchema, query: str, operation_name: str | None) -> PreparedDocument:
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return PreparedDocument(None, [exc], None)
    errors = validate(schema, document, VALIDATION_RULES)  # the standard rules and Strata's limits
    if errors:
        return PreparedDocument(document, list(errors), None)
    try:
        plan: OperationPlan | None = compile_operation(schema, document, operation_name)
    except Unsupported:
        plan = None
    return PreparedDocument(document, [], plan)
