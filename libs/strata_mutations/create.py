"""Create: a new object from a `<Kind>Create` input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strata_events import NodeCreated, PeerProperties
from strata_events.ids import NODE_ID_RULE, is_valid_node_id
from strata_schema import BranchSchema

from ._attributes import attributes_for_create
from ._derived import derived_values
from ._edge_properties import edge_changes, mirror_edge_properties
from ._hierarchy import check_hierarchy
from ._inputs import refuse_unknown, relationship_refs
from ._kind_rules import check_kind_rules
from ._kinds import writable_schema
from ._links import PeerDeltas, check_count, link_peers
from ._peers import resolve_peers
from ._templates import with_template_values
from ._uniqueness import check_uniqueness
from .decision import NodeEvent
from .errors import Issues
from .reader import StateReader

__all__ = ["decide_create"]


async def _node_id(data: Mapping[str, Any], reader: StateReader, new_id: str, issues: Issues) -> str:
    given = data.get("id")
    if given is None:
        return new_id
    if not isinstance(given, str) or not given:
        issues.add(("data", "id"), "id must be a non-empty string")
        return new_id
    if not is_valid_node_id(given):
        issues.add(("data", "id"), f"id must be {NODE_ID_RULE}")
        return new_id
    if await reader.get([given]):
        issues.add(("data", "id"), f"{given} is already in use")
    return given


async def decide_create(
    schema: BranchSchema, kind: str, data: Mapping[str, Any], reader: StateReader, new_id: str
) -> list[NodeEvent]:
    """`NodeCreated` for the new object (id from the input, else `new_id`), then the peers'
    back-references. Raises `MutationError` listing every problem with the input."""
    node = writable_schema(schema, kind)
    data = await with_template_values(schema, node, data, reader)
    issues, ref_issues = Issues(), Issues()
    refs = relationship_refs(node, data, ref_issues)
    given = data.get("id")
    # the given id and the peers named by id in one read: one round trip to the graph, not two
    # (the reader keeps what it read; `_node_id` and `resolve_peers` then find it there)
    wanted = [given] if isinstance(given, str) and given else []
    wanted += [ref.id for named in refs.values() for ref in named if ref.id]
    if len(wanted) > 1:
        await reader.get(wanted)
    node_id = await _node_id(data, reader, new_id, issues)
    refuse_unknown(node, data, ("id",), issues)
    attributes = attributes_for_create(node, data, issues)
    issues.extend(ref_issues)  # in the order they were found before the read was shared
    given_props: dict[str, dict[str, PeerProperties]] = {}
    peers = await resolve_peers(schema, node, reader, refs, issues, given_props)

    deltas = PeerDeltas()
    relationships: dict[str, list[str]] = {}
    peer_properties: dict[str, dict[str, PeerProperties]] = {}
    for rel in node.relationships:
        path = ("data", rel.name)
        if rel.name not in data:
            if not rel.optional:
                issues.add(path, f"{rel.name} is mandatory for {node.kind}")
            continue
        if rel.name not in peers:
            continue  # refused above
        records = peers[rel.name]
        check_count(node.kind, rel, len(records), path, issues)
        link_peers(schema, node_id, rel, records, (), deltas, issues, path)
        if records:
            relationships[rel.name] = [r.uid for r in records]
        if props := edge_changes(None, given_props.get(rel.name, {})):
            peer_properties[rel.name] = props
            mirror_edge_properties(schema, node_id, rel, records, props, deltas)

    await check_hierarchy(node, node_id, relationships, set(relationships), reader, issues)
    await check_uniqueness(schema, node, node_id, attributes, relationships, None, reader, issues)
    check_kind_rules(schema, node, attributes, issues)
    issues.raise_if_any()
    attributes.update(derived_values(schema, node, attributes))
    created = NodeCreated(node_id=node_id, kind=node.kind, attributes=attributes, relationships=relationships,
                          peer_properties=peer_properties)  # fmt: skip
    return [created, *deltas.events()]
