"""The table of data root mutations: field name to decision function."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from strata_api.file_objects import StoredFile, with_file
from strata_api.overlay import OverlayReader
from strata_api.conversion import decide_conversion
from strata_api.ip_pools import allocate_address
from strata_api.ip_prefix_pools import PREFIX_POOL_KIND, allocate_prefix
from strata_api.number_pools import allocate_number
from strata_api.state_reader import GraphStateReader
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.shaping import RelPeers
from strata_mutations import (
    NodeEvent,
    decide_create,
    decide_delete,
    decide_relationship_add,
    decide_relationship_remove,
    decide_update,
    decide_upsert,
)

__all__ = ["Outcome", "dispatch", "overlay_allowed"]

_SUFFIXES = ("Create", "Update", "Upsert", "Delete")


class Outcome(msgspec.Struct, kw_only=True):
    events: list[NodeEvent]
    object_id: str | None = None
    with_object: bool = True
    pool_node: bool = False  # answer `node {id kind identifier display_label}` (pool allocations)
    identifier: str | None = None
    # ConvertObjectType answers `node` as a GenericScalar: (kind, attributes, relationships)
    converted: tuple[str, list[str], list[str]] | None = None

    def payload(self, shaped: dict[str, Any] | None) -> dict[str, Any]:
        if self.converted is not None:
            return {"ok": True, "node": _plain_node(self.object_id, self.converted, shaped or {})}
        if self.pool_node:
            node = {"id": self.object_id, "kind": (shaped or {}).get("__kind"), "identifier": self.identifier,
                    "display_label": (shaped or {}).get("display_label")}  # fmt: skip
            return {"ok": True, "node": node}
        if not self.with_object:
            return {"ok": True}
        return {"ok": True, "object": shaped if shaped is not None else ({"id": self.object_id} if self.object_id else None)}


def _plain_node(uid: str | None, fields: tuple[str, list[str], list[str]], shaped: dict[str, Any]) -> dict[str, Any]:
    """The object as a GraphQL query answers it, each attribute's value and each relationship's
    peer ids: what the SDK builds a node from (`InfrahubNode.from_graphql`)."""
    kind, attributes, relationships = fields
    node: dict[str, Any] = {"id": uid, "__typename": kind, "display_label": shaped.get("display_label")}
    for name in attributes:
        attribute = shaped.get(name)
        node[name] = {"value": attribute.get("value") if isinstance(attribute, dict) else None}
    for name in relationships:
        rel = shaped.get(name)
        if not isinstance(rel, RelPeers):
            continue
        peers = [{"node": {"id": p}} for p in rel.peer_ids]
        node[name] = {"edges": peers} if rel.schema.cardinality == "many" else (peers[0] if peers else {"node": None})
    return node


def _split(field: str, ctx: GraphQLContext) -> tuple[str, str] | None:
    for suffix in _SUFFIXES:
        if field.endswith(suffix) and ctx.schema.get(field[: -len(suffix)]) is not None:
            return field[: -len(suffix)], suffix
    return None


async def _from_pools(
    ctx: GraphQLContext, data: dict[str, Any], kind: str | None, prior: Sequence[NodeEvent]
) -> tuple[dict[str, Any], list[NodeEvent], Any]:
    """Inputs `{from_pool: {id}}`: an attribute of `kind` takes a number of a number pool
    (`number_pools.py`), a relationship a freshly allocated address object; the reader
    returned sees `prior` and what was decided (not yet projected)."""
    reader = OverlayReader(ctx, exact_hfids=bool(prior))
    if prior:
        await reader.lay_over(prior)
    events: list[NodeEvent] = []
    out = dict(data)
    kind_schema = ctx.schema.get(kind) if kind else None
    attributes = {a.name for a in kind_schema.attributes} if kind_schema is not None else set()
    for key, value in data.items():
        if not isinstance(value, dict) or not isinstance(value.get("from_pool"), dict):
            continue
        pool = value["from_pool"]
        if key in attributes and kind is not None:
            allocated, number = await allocate_number(ctx, reader, str(pool.get("id")), kind=kind, attribute=key,
                                                      identifier=pool.get("identifier"))  # fmt: skip
            out[key] = {**{k: v for k, v in value.items() if k != "from_pool"}, "value": number}
        else:
            allocated, uid = await _allocate_peer(ctx, reader, str(pool.get("id")), pool.get("identifier"))
            out[key] = {"id": uid}
        await reader.lay_over(allocated)
        events += allocated
    return out, events, reader


async def _allocate_peer(
    ctx: GraphQLContext, reader: OverlayReader, pool_id: str, identifier: str | None
) -> tuple[list[NodeEvent], str]:
    """A relationship's `{from_pool}`: a new prefix from a prefix pool, else a new address."""
    pool = (await reader.get([pool_id])).get(pool_id)
    if pool is not None and pool.kind == PREFIX_POOL_KIND:
        return await allocate_prefix(ctx, reader, pool_id, identifier=identifier)
    return await allocate_address(ctx, reader, pool_id, identifier=identifier)


_TASK_ACTIONS = {"InfrahubTaskRetry": "retried", "InfrahubTaskCancel": "cancelled"}


def overlay_allowed(field: str, args: dict[str, Any], ctx: GraphQLContext) -> bool:
    """Whether `field` may be decided on the read model with events laid over it (`dispatch`'s
    `prior`): the data mutations, whose decisions read through the `StateReader` alone, and not
    those allocating from a pool or storing a file."""
    if field not in ("RelationshipAdd", "RelationshipRemove") and _split(field, ctx) is None:
        return False
    data = args.get("data") or {}
    return args.get("file") is None and not any(isinstance(v, dict) and "from_pool" in v for v in data.values())


async def dispatch(ctx: GraphQLContext, field: str, args: dict[str, Any], prior: Sequence[NodeEvent] = ()) -> Outcome:
    """Decide `field`. `prior`: events stored after what the read model holds (this process's,
    see `in_flight.py`), decided upon as if projected; only where `overlay_allowed`."""
    data = args.get("data") or {}
    if field in _TASK_ACTIONS:
        raise ValidationFailed(f"id: task {data.get('id')!r} cannot be {_TASK_ACTIONS[field]}: Strata's tasks are its "
                               "committed mutations, complete once answered (none fails or runs on)", field="id")  # fmt: skip
    if field == "InfrahubIPPrefixPoolGetResource":
        events, uid = await allocate_prefix(
            ctx, GraphStateReader(ctx.schema, ctx.reader), data.get("id"), hfid=data.get("hfid"),
            identifier=data.get("identifier"), prefix_length=data.get("prefix_length"),
            member_type=data.get("member_type"), prefix_type=data.get("prefix_type"), data=data.get("data"),
        )  # fmt: skip
        return Outcome(events=events, object_id=uid, pool_node=True, identifier=data.get("identifier"))
    if field == "InfrahubIPAddressPoolGetResource":
        events, uid = await allocate_address(
            ctx, GraphStateReader(ctx.schema, ctx.reader), str(data.get("id")),
            identifier=data.get("identifier"), prefix_length=data.get("prefix_length"), data=data.get("data"),
        )  # fmt: skip
        return Outcome(events=events, object_id=uid, pool_node=True, identifier=data.get("identifier"))
    if field == "ConvertObjectType":
        events, new_id, target = await decide_conversion(ctx, data)
        fields = (target.kind, [a.name for a in target.attributes], [r.name for r in target.relationships])
        return Outcome(events=events, object_id=new_id, converted=fields)
    split = _split(field, ctx)
    data, allocations, reader = await _from_pools(ctx, data, split[0] if split else None, prior)
    outcome = await _decide(ctx, field, data, reader)
    outcome.events = allocations + outcome.events
    if isinstance(stored := args.get("file"), StoredFile) and split is not None and outcome.object_id:
        outcome.events = with_file(outcome.events, outcome.object_id, split[0], stored)
    return outcome


async def _decide(ctx: GraphQLContext, field: str, data: dict[str, Any], reader: Any) -> Outcome:
    if field in ("RelationshipAdd", "RelationshipRemove"):
        decide: Callable[..., Any] = decide_relationship_add if field == "RelationshipAdd" else decide_relationship_remove
        events = await decide(ctx.schema, data.get("id"), data.get("name"), data.get("nodes") or [], reader)
        return Outcome(events=events, with_object=False)
    split = _split(field, ctx)
    if split is None:
        raise ValidationFailed(f"{field} is not a mutation of this schema")
    kind, action = split
    if action == "Create":
        new_id = str(uuid.uuid4())
        return Outcome(events=await decide_create(ctx.schema, kind, data, reader, new_id), object_id=new_id)
    if action == "Update":
        decision = await decide_update(ctx.schema, kind, data, reader)
        return Outcome(events=decision.events, object_id=decision.node_id)
    if action == "Upsert":
        decision = await decide_upsert(ctx.schema, kind, data, reader, str(uuid.uuid4()))
        return Outcome(events=decision.events, object_id=decision.node_id)
    decision = await decide_delete(ctx.schema, kind, data, reader)
    return Outcome(events=decision.events, object_id=decision.node_id, with_object=False)
