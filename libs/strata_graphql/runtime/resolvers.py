"""One field resolver for the whole generated schema, dispatching on what the parent holds.

Nothing is bound per kind at run time: root query fields named after a kind read pages of
records; relationship placeholders load their peers (batched); everything else is a dict key.
This is the general executor's side; the planned executor (`planned.py`) computes the same
values from the same functions in `field_values.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from graphql import FieldNode, GraphQLAbstractType, GraphQLResolveInfo

from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.field_values import (
    LAZY_VALUES,
    empty_page,
    is_empty_page_type,
    lazy_value,
    relationship_value,
    shape,
)
from strata_graphql.runtime.filters import plan_query
from strata_graphql.runtime.reader import NodeRow
from strata_graphql.runtime.row_lookup import RowLookup
from strata_graphql.runtime.shaping import MetadataOf, RelPeers, concrete_kinds

__all__ = ["may_read_object", "may_select", "query_root", "resolve_field", "resolve_type", "settle", "shape_rows"]

T = TypeVar("T")


def resolve_type(value: Any, info: Any, abstract_type: GraphQLAbstractType | None) -> str | None:
    if isinstance(value, dict):
        # `dict.get`, not the value's own: a shaped object's `get` raises and catches a KeyError
        # to find it has no `__typename` (its fields are worked out when first read; that
        # one never is)
        name = dict.get(value, "__typename") or dict.get(value, "__kind")
        return str(name) if name else None
    return None


def resolve_field(parent: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    """Plain values are returned as they are: only fields that load something are coroutines
    (an awaitable per field would cost graphql-core far more than the lookups themselves)."""
    ctx: GraphQLContext = info.context
    parent_type = info.parent_type.name
    field = info.field_name
    if parent_type == "Query":
        return query_root(ctx, field, args)
    if parent_type == "Mutation":
        if ctx.mutations is None:
            raise PermissionError("mutations are not available on this endpoint")
        return ctx.mutations.execute(ctx, field, args, answer_object=may_read_object(info.field_nodes))
    value = parent.get(field) if isinstance(parent, dict) else getattr(parent, field, None)
    if isinstance(value, RelPeers):
        return settle(ctx, lambda lookup: relationship_value(ctx, value, args, lookup))
    if type(value) in LAZY_VALUES:
        return settle(ctx, lambda lookup: lazy_value(ctx, value, lookup))
    if value is None and is_empty_page_type(info.return_type):
        return empty_page()
    return value


def may_select(nodes: Sequence[FieldNode], names: tuple[str, ...]) -> bool:
    """Whether the selections of `nodes` may read one of their fields `names` (the object a
    mutation answers with; a pool's `node`); a fragment may: assumed so."""
    return any(
        not isinstance(selection, FieldNode) or selection.name.value in names
        for node in nodes for selection in (node.selection_set.selections if node.selection_set else ())
    )  # fmt: skip


def may_read_object(nodes: Sequence[FieldNode]) -> bool:
    """Whether a mutation's selections may read the object it answers with beyond its id (a
    pool's `node` counts whole; a fragment may read anything). The SDK's saves select
    `object { id }`, which the mutation knows without reading the object back."""
    return any(
        not isinstance(selection, FieldNode) or selection.name.value == "node"
        or (selection.name.value == "object" and not _selects_id_only(selection))
        for node in nodes for selection in (node.selection_set.selections if node.selection_set else ())
    )  # fmt: skip


def _selects_id_only(field: FieldNode) -> bool:
    selections = field.selection_set.selections if field.selection_set else ()
    return all(isinstance(s, FieldNode) and s.name.value == "id" for s in selections)


async def settle(ctx: GraphQLContext, compute: Callable[[RowLookup], T]) -> T:
    """Run `compute` until every row it reads is loaded. Lookups of sibling fields made in the
    same turn of the event loop go to the graph in one query (see `GraphReader.get`)."""
    while True:
        lookup = RowLookup(ctx.reader)
        value = compute(lookup)
        if lookup.complete:
            return value
        # rows through `get`: sibling fields' lookups of one turn go out in one query
        await asyncio.gather(*(ctx.reader.get(uid) for uid in lookup.missing))
        await lookup.load_noted_history()


async def shape_rows(ctx: GraphQLContext, rows: list[NodeRow]) -> list[dict[str, Any]]:
    """Shape rows, with the values of their profiles (loaded in one batch)."""
    return await settle(ctx, lambda lookup: [shape(ctx, row, lookup) for row in rows])


async def query_root(ctx: GraphQLContext, field: str, args: dict[str, Any]) -> Any:
    """A root query field: a page of a kind's objects, or one of the non-kind roots."""
    kind_schema = ctx.schema.get(field)
    if kind_schema is None:
        root = ctx.roots.get(field)
        return await root(ctx, args) if root else None
    plan = await plan_query(ctx.schema, kind_schema, args, ctx.reader)
    if plan.empty:
        return {"count": 0, "edges": [], "permissions": {"count": 0, "edges": []}}
    total, rows = await ctx.reader.page(
        concrete_kinds(ctx.schema, field),
        filters=plan.filters,
        ids=plan.ids,
        order=plan.order,
        offset=plan.offset,
        limit=plan.limit,
    )
    shaped = await shape_rows(ctx, rows)
    edges = [{"node": node, "node_metadata": MetadataOf(row.uid, row.kind)} for node, row in zip(shaped, rows, strict=True)]
    return {"count": total, "edges": edges, "permissions": {"count": 0, "edges": []}}
