"""The bulk path for a plain document: creates with literal arguments, each selecting `ok`.

Read and coerced without graphql-core's parser (`plain_creates`, `plain_coercion`), which
took 150-250 ms of a 1,000-create request; this takes ~30 ms. What the validation of such a
document checks beyond its literal values is checked here: one operation, distinct response
names, each field a `<Kind>Create` of a known kind whose payload has a leaf `ok`, and the
size limit. Whatever is not plain, or is refused while deciding, takes the general path,
which gives the exact errors: this path never reports an error itself.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema, get_named_type, is_leaf_type

from strata_api.bulk import BulkCreates, creates_known_kind
from strata_api.bulk_references import referenced_ids_of_values
from strata_core.gc_pause import gc_paused
from strata_graphql.limits import MAX_FIELDS
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.plain_coercion import NotCoercible, coerce_plain_arguments
from strata_graphql.runtime.plain_creates import read_plain_creates

__all__ = ["PlainBulk", "PlainCreateArguments", "decide_plain", "plain_bulk"]


class PlainCreateArguments(NamedTuple):
    response_name: str
    field: str  # `<Kind>Create`
    arguments: dict[str, Any]  # coerced, as graphql-core's get_argument_values gives them


class PlainBulk(NamedTuple):
    creates: list[PlainCreateArguments]
    peers: set[str]  # the stored objects the creates point to (see bulk_references)

    def answer(self) -> dict[str, Any]:
        """The document's data once accepted: each create answers `ok`."""
        return {create.response_name: {"ok": True} for create in self.creates}


def plain_bulk(query: str, operation: str | None, ctx: GraphQLContext, schema: GraphQLSchema) -> PlainBulk | None:
    """The document's creates with their arguments coerced, or None when it is not a plain
    bulk create document that validates (the general path then takes it)."""
    with gc_paused():  # tens of thousands of dicts and lists, none in a cycle
        return _plain_bulk(query, operation, ctx, schema)


def _plain_bulk(query: str, operation: str | None, ctx: GraphQLContext, schema: GraphQLSchema) -> PlainBulk | None:
    document = read_plain_creates(query)
    mutation_type = schema.mutation_type
    if document is None or mutation_type is None or len(document.creates) < 2:
        return None
    if operation is not None and operation != document.operation_name:
        return None
    if 2 * len(document.creates) > MAX_FIELDS:  # each create and its `ok`, as `limits` counts
        return None
    creates: list[PlainCreateArguments] = []
    answered: set[str] = set()
    for create in document.creates:
        field = mutation_type.fields.get(create.field)
        if (
            field is None or create.response_name in answered or not _answers_ok(field.type)
            or not creates_known_kind(create.field, ctx)
        ):  # fmt: skip
            return None
        answered.add(create.response_name)
        try:
            arguments = coerce_plain_arguments(field, create.arguments)
        except NotCoercible:
            return None
        creates.append(PlainCreateArguments(create.response_name, create.field, arguments))
    peers = referenced_ids_of_values(((c.field, c.arguments.get("data")) for c in creates), ctx.schema)
    return PlainBulk(creates, peers)


def _answers_ok(payload: Any) -> bool:
    named = get_named_type(payload)
    ok = named.fields.get("ok") if isinstance(named, GraphQLObjectType) else None
    return ok is not None and is_leaf_type(get_named_type(ok.type))


async def decide_plain(bulk: BulkCreates, ctx: GraphQLContext, plain: PlainBulk) -> list[GraphQLError]:
    """Decide every create in order; the first refusal (the general path reports them all)."""
    for create in plain.creates:
        try:
            await bulk.execute(ctx, create.field, create.arguments, answer_object=False)
        except Exception as exc:  # noqa: BLE001  # any refusal: the general path decides again and reports
            return [GraphQLError(str(exc), path=[create.response_name], original_error=exc)]
    return []
