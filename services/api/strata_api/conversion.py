"""`ConvertObjectType`: an object becomes an object of another kind, in one atomic batch.

The new object is created (a new id) from the old one's fields and the caller's
`fields_mapping`, and the old one is deleted with the references others held to it. A target
field the mapping does not name takes the source field of the same name when there is one,
else its default. The mapping gives, per target field, exactly one of: `source_field` (that
field of the old object), `data` (`attribute_value`, `peer_id` or `peers_ids`) or
`use_default_value`. The new object is decided as if the old one were already gone, so a
unique value can move across.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from strata_api.overlay import OverlayReader
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_mutations import NodeEvent, NodeRecord, decide_create, decide_delete
from strata_schema.model import KindSchema

__all__ = ["decide_conversion"]

_CHOICES = ("source_field", "data", "use_default_value")


async def decide_conversion(ctx: GraphQLContext, data: Mapping[str, Any]) -> tuple[list[NodeEvent], str, KindSchema]:
    """The events converting `data["node_id"]` to `data["target_kind"]`, the new object's id and
    the target kind's schema."""
    reader = OverlayReader(ctx)
    node_id = str(data.get("node_id") or "")
    source = (await reader.get([node_id])).get(node_id)
    if source is None:
        raise ValidationFailed(f"node_id: no object {node_id!r} on this branch", field="node_id")
    target_kind = str(data.get("target_kind") or "")
    target = ctx.schema.nodes.get(target_kind)
    if target is None:
        raise ValidationFailed(f"target_kind: {target_kind!r} is not a node kind of this schema", field="target_kind")
    mapping = data.get("fields_mapping") or {}
    if not isinstance(mapping, Mapping):
        raise ValidationFailed("fields_mapping: expected an object of target field names", field="fields_mapping")
    fields = _create_input(ctx, source, target, mapping)
    new_id = str(uuid.uuid4())
    deleted = await decide_delete(ctx.schema, source.kind, node_id, reader)
    await reader.lay_over(deleted.events)  # the new object is decided as if the old one were gone
    created = await decide_create(ctx.schema, target_kind, fields, reader, new_id)
    return [*deleted.events, *created], new_id, target


def _create_input(
    ctx: GraphQLContext, source: NodeRecord, target: KindSchema, mapping: Mapping[str, Any]
) -> dict[str, Any]:
    source_schema = ctx.schema.get(source.kind)
    source_fields: set[str] = set()
    if source_schema is not None:
        source_fields = {a.name for a in source_schema.attributes} | {r.name for r in source_schema.relationships}
    attributes = {a.name for a in target.attributes}
    cardinality = {r.name: r.cardinality for r in target.relationships}
    unknown = sorted(set(mapping) - attributes - set(cardinality))
    if unknown:
        raise ValidationFailed(f"fields_mapping: {', '.join(unknown)} is not a field of {target.kind}",
                               field="fields_mapping")  # fmt: skip
    out: dict[str, Any] = {}
    for name in [*attributes, *cardinality]:
        rule = mapping.get(name)
        if rule is None:
            if name in source_fields:
                _copy(out, name, name, source, attributes, cardinality)
            continue
        if not isinstance(rule, Mapping) or sum(bool(rule.get(c)) for c in _CHOICES) != 1:
            raise ValidationFailed(f"fields_mapping.{name}: give exactly one of {', '.join(_CHOICES)}",
                                   field="fields_mapping")  # fmt: skip
        if rule.get("source_field"):
            origin = str(rule["source_field"])
            if origin not in source_fields:
                raise ValidationFailed(f"fields_mapping.{name}: {origin} is not a field of {source.kind}",
                                       field="fields_mapping")  # fmt: skip
            _copy(out, name, origin, source, attributes, cardinality)
        elif rule.get("data"):
            out[name] = _given(name, rule["data"], attributes, cardinality)
    return out


def _copy(out: dict[str, Any], name: str, origin: str, source: NodeRecord, attributes: set[str],
          cardinality: Mapping[str, str]) -> None:  # fmt: skip
    if name in attributes:
        value = source.value(origin)
        if value is not None:
            out[name] = {"value": value}
        return
    peers = source.peers(origin)
    if cardinality[name] == "one":
        if peers:
            out[name] = {"id": peers[0]}
    elif peers:
        out[name] = [{"id": p} for p in peers]


def _given(name: str, given: Any, attributes: set[str], cardinality: Mapping[str, str]) -> Any:
    if not isinstance(given, Mapping):
        raise ValidationFailed(f"fields_mapping.{name}.data: expected an object", field="fields_mapping")
    if name in attributes:
        return {"value": given.get("attribute_value")}
    if cardinality[name] == "one":
        peer = given.get("peer_id")
        return {"id": peer} if peer else None
    return [{"id": p} for p in given.get("peers_ids") or []]
