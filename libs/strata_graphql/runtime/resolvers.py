"""One field resolver for the whole generated schema, dispatching on what the parent holds.

Nothing is bound per kind at run time: root query fields named after a kind read pages of
records; relationship placeholders load their peers (batched); everything else is a dict key.
"""

from __future__ import annotations

import asyncio
from typing import Any

from graphql import GraphQLAbstractType, GraphQLNonNull, GraphQLResolveInfo

from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.filters import plan_query
from strata_graphql.runtime.shaping import (
    HfidOf,
    NodeRef,
    RelPeers,
    attribute_value,
    concrete_kinds,
    profile_priority,
    profile_values,
    shape_node,
)
from strata_graphql.runtime.reader import NodeRow

__all__ = ["resolve_field", "resolve_type", "shape_rows"]


def resolve_type(value: Any, info: GraphQLResolveInfo[Any], abstract_type: GraphQLAbstractType) -> str | None:
    if isinstance(value, dict):
        name = value.get("__typename") or value.get("__kind")
        return str(name) if name else None
    return None


def resolve_field(parent: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    """Plain values are returned as they are: only fields that load something are coroutines
    (an awaitable per field would cost graphql-core far more than the lookups themselves)."""
    ctx: GraphQLContext = info.context
    parent_type = info.parent_type.name
    field = info.field_name
    if parent_type == "Query":
        return _query_root(ctx, field, args)
    if parent_type == "Mutation":
        if ctx.mutations is None:
            raise PermissionError("mutations are not available on this endpoint")
        return ctx.mutations.execute(ctx, field, args)
    value = parent.get(field) if isinstance(parent, dict) else getattr(parent, field, None)
    if isinstance(value, RelPeers):
        return _relationship(ctx, value, args)
    if isinstance(value, NodeRef):
        return _node_ref(ctx, value)
    if isinstance(value, HfidOf):
        return _hfid(ctx, value)
    if value is None and _is_empty_page_type(info):
        # a relationship the dialect always declares but this kind does not have (a leaf
        # kind's `children`, a top-level kind's `parent`): an empty one, not a null
        return {"count": 0, "edges": []}
    return value


async def _node_ref(ctx: GraphQLContext, ref: NodeRef) -> Any:
    row = await ctx.reader.get(ref.uid)
    return (await shape_rows(ctx, [row]))[0] if row else None


def _is_empty_page_type(info: GraphQLResolveInfo[Any]) -> bool:
    return_type = info.return_type
    if isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    name = getattr(return_type, "name", "")
    return isinstance(name, str) and name.startswith("NestedPaginated")


async def shape_rows(ctx: GraphQLContext, rows: list[NodeRow]) -> list[dict[str, Any]]:
    """Shape rows, with the values of their profiles (loaded in one batch)."""
    profile_ids = {uid for row in rows for uid in row.rels.get("profiles", [])}
    profiles = await ctx.reader.get_many(list(profile_ids)) if profile_ids else {}
    out = []
    for row in rows:
        shaped = ctx.shaped.get(row.uid)
        if shaped is None or shaped["__row"] is not row:
            mine = [profiles[uid] for uid in row.rels.get("profiles", []) if uid in profiles]
            shaped = shape_node(row, ctx.schema, profile_values(mine) if mine else None)
            ctx.shaped[row.uid] = shaped  # a peer shared by many objects is shaped once
        out.append(shaped)
    return out


async def _query_root(ctx: GraphQLContext, field: str, args: dict[str, Any]) -> Any:
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
    edges = [{"node": node, "node_metadata": None} for node in await shape_rows(ctx, rows)]
    return {"count": total, "edges": edges, "permissions": {"count": 0, "edges": []}}


_PROPERTIES: dict[str, Any] = {"is_visible": True, "is_protected": False, "updated_at": None, "source": None, "owner": None}


async def _profile_peers(ctx: GraphQLContext, rel: RelPeers) -> tuple[list[str], str | None]:
    """Peers an object's profiles give a relationship it leaves empty: (peer ids, profile id)."""
    profile_ids = rel.row.rels.get("profiles", [])
    if rel.peer_ids or not profile_ids or rel.schema.name == "profiles":
        return list(rel.peer_ids), None
    profiles = await ctx.reader.get_many(profile_ids)
    for uid in sorted(profiles, key=lambda p: profile_priority(profiles[p])):
        peers = profiles[uid].rels.get(rel.schema.name, [])
        if peers:
            return list(peers), uid
    return [], None


async def _relationship(ctx: GraphQLContext, rel: RelPeers, args: dict[str, Any]) -> Any:
    peer_ids, from_profile = await _profile_peers(ctx, rel)
    rows = await asyncio.gather(*(ctx.reader.get(uid) for uid in peer_ids))
    nodes = await shape_rows(ctx, [row for row in rows if row is not None])
    properties = dict(_PROPERTIES)
    if from_profile is not None:
        properties["source"] = NodeRef(from_profile)  # the SDK reads "from a profile" off the source's kind
    if rel.schema.cardinality == "one":
        # the field is non-null in Infrahub's dialect: an empty relationship has a null node
        return {"node": nodes[0] if nodes else None, "properties": properties, "node_metadata": None}
    if args.get("ids"):
        wanted = set(args["ids"])
        nodes = [n for n in nodes if n["id"] in wanted]
    offset = int(args.get("offset") or 0)
    limit = args.get("limit")
    page = nodes[offset : offset + limit if limit is not None else None]
    edges = [{"node": n, "properties": dict(properties), "node_metadata": None} for n in page]
    return {"count": len(nodes), "edges": edges}


async def _hfid(ctx: GraphQLContext, ref: HfidOf) -> list[str] | None:
    row = ref.row
    kind_schema = ctx.schema.get(row.kind)
    if kind_schema is None or not kind_schema.human_friendly_id:
        return None
    out: list[str] = []
    for path in kind_schema.human_friendly_id:
        parts = path.split("__")
        value: Any = None
        if len(parts) == 2:
            value = attribute_value(row, kind_schema, parts[0])
        elif len(parts) == 3:
            peers = row.rels.get(parts[0], [])
            peer = await ctx.reader.get(peers[0]) if peers else None
            peer_schema = ctx.schema.get(peer.kind) if peer else None
            if peer is not None and peer_schema is not None:
                value = attribute_value(peer, peer_schema, parts[1])
        if value is None:
            return None
        out.append(str(value))
    return out
