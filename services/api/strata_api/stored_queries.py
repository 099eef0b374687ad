"""Stored queries: a `CoreGraphQLQuery` run by id or name (`/api/query/{query_id}`), as
infrahub-sdk's `query_gql_query` and Infrahub's transforms ask.

With `update_group`, the objects the answer names (every object of the branch whose id the
result holds) become the members of a `CoreGraphQLQueryGroup` for the query and its variables,
upserted by name: `<query name>__<hash of the variables>`, so each set of variables keeps its own
group; `subscribers` are its subscribers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, Final

import msgspec
from graphql import ExecutionResult

from strata_api.resources import Resources
from strata_core.errors import ValidationFailed
from strata_events.ids import is_valid_node_id
from strata_mutations.errors import ObjectNotFound
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.executor import execute_document

__all__ = ["group_name", "run_stored_query"]

_BY_ID: Final = "query($ids: [ID]) { CoreGraphQLQuery(ids: $ids) { edges { node { id name { value } query { value } } } } }"
_BY_NAME: Final = (
    "query($name: String) { CoreGraphQLQuery(name__value: $name) { edges { node { id name { value } query { value } } } } }"
)
_UPSERT_GROUP: Final = """mutation($name: String!, $label: String!, $query: String!, $parameters: GenericScalar,
  $members: [RelatedNodeInput], $subscribers: [RelatedNodeInput]) {
  CoreGraphQLQueryGroupUpsert(data: {name: {value: $name}, label: {value: $label}, query: {id: $query},
    parameters: {value: $parameters}, members: $members, subscribers: $subscribers}) { ok }
}"""


def group_name(query_name: str, variables: dict[str, Any]) -> str:
    """The group of one query and one set of variables (the same variables, the same group)."""
    digest = hashlib.sha256(msgspec.json.encode(variables, order="sorted")).hexdigest()
    return f"{query_name}__{digest[:32]}"


async def _find(resources: Resources, ctx: GraphQLContext, query_id: str) -> dict[str, Any]:
    tries: list[tuple[str, dict[str, Any]]] = [(_BY_ID, {"ids": [query_id]})] if is_valid_node_id(query_id) else []
    for document, variables in [*tries, (_BY_NAME, {"name": query_id})]:
        found = await execute_document(resources.graphql_cache, ctx, document, variables, None)
        edges = (found.data or {}).get("CoreGraphQLQuery", {}).get("edges") or []
        if edges:
            node: dict[str, Any] = edges[0]["node"]
            return node
    raise ObjectNotFound(f"query_id: no CoreGraphQLQuery with the id or name {query_id!r}", field="query_id")


def _ids_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):
            yield value["id"]
        for inner in value.values():
            yield from _ids_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _ids_in(inner)


async def run_stored_query(
    resources: Resources, ctx: GraphQLContext, query_id: str, variables: dict[str, Any], *,
    update_group: bool, subscribers: list[str],
) -> dict[str, Any]:
    """`{"data": …}` of the stored query; ValidationFailed, with each error naming the query,
    when its document fails."""
    stored = await _find(resources, ctx, query_id)
    name = str(stored["name"]["value"])
    result: ExecutionResult = await execute_document(
        resources.graphql_cache, ctx, str(stored["query"]["value"]), variables, None, documents=resources.graphql_documents
    )
    if result.errors:
        errors = [{"message": f"GraphQLQuery {name}: {e.message}", "path": e.path} for e in result.errors]
        raise ValidationFailed(f"GraphQLQuery {name}: {result.errors[0].message}", field="query", errors=errors)
    data = result.data or {}
    if update_group:
        named = list(dict.fromkeys(_ids_in(data)))
        held = await ctx.reader.get_many(named)  # an id the answer holds may be no object's
        members = [uid for uid in named if uid in held]
        grouped = group_name(name, variables)
        group = {
            "name": grouped, "label": f"Query {name} #{grouped.rsplit('__', 1)[1][:8]}",
            "query": stored["id"], "parameters": variables,
            "members": [{"id": uid} for uid in members], "subscribers": [{"id": uid} for uid in subscribers],
        }  # fmt: skip
        upserted = await execute_document(resources.graphql_cache, ctx, _UPSERT_GROUP, group, None)
        if upserted.errors:
            raise ValidationFailed(f"update_group: {upserted.errors[0].message}", field="update_group")
    return {"data": data}
