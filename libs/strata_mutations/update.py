"""Update: change the fields an `<Kind>Update` input names, and nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strata_events import NodeUpdated, PeerProperties
from strata_schema import BranchSchema

from ._attributes import attributes_for_update, stored
from ._derived import derived_values
from ._edge_properties import edge_changes, mirror_edge_properties
from ._hierarchy import check_hierarchy
from ._inputs import refuse_unknown, relationship_refs
from ._kind_rules import check_kind_rules
from ._kinds import implements, writable_schema
from ._links import PeerDeltas, check_count, link_peers
from ._peers import resolve_peers
from ._uniqueness import check_uniqueness
from .decision import Decision, NodeEvent
from .errors import Issue, Issues, MutationError, ObjectNotFound
from .reader import StateReader
from .records import NodeRecord

__all__ = ["decide_update", "locate", "update_events"]


async def locate(schema: BranchSchema, kind: str, data: Mapping[str, Any], reader: StateReader) -> NodeRecord:
    """The object an input targets by `id`, else by `hfid`. Raises `ObjectNotFound`."""
    node_id, hfid = data.get("id"), data.get("hfid")
    record: NodeRecord | None = None
    if isinstance(node_id, str) and node_id:
        identifier = node_id
        record = (await reader.get([node_id])).get(node_id)
    elif isinstance(hfid, list | tuple) and hfid and all(isinstance(h, str) for h in hfid):
        identifier = "__".join(hfid)
        record = await reader.find_by_hfid(kind, list(hfid))
    else:
        raise MutationError([Issue(("data",), "either id or hfid must be provided to identify the object")])
    if record is None or not implements(schema, record.kind, kind):
        raise ObjectNotFound(f"Unable to find the node {identifier} / {kind} in the database.", kind=kind,
                             identifier=identifier)
    return record


async def update_events(
    schema: BranchSchema, record: NodeRecord, data: Mapping[str, Any], reader: StateReader
) -> list[NodeEvent]:
    """The events that bring `record` to what `data` says; [] when it already is."""
    node = writable_schema(schema, record.kind)
    issues = Issues()
    refuse_unknown(node, data, ("id", "hfid"), issues)
    attributes = attributes_for_update(node, record, data, issues)
    refs = relationship_refs(node, data, issues)
    given_props: dict[str, dict[str, PeerProperties]] = {}
    peers = await resolve_peers(schema, node, reader, refs, issues, given_props)

    wanted = {name: {r.uid for r in records} for name, records in peers.items()}
    dropped = sorted({uid for name in peers for uid in record.peers(name) if uid not in wanted[name]})
    dropped_records = await reader.get(dropped) if dropped else {}

    deltas = PeerDeltas()
    relationships: dict[str, list[str]] = {}
    peer_properties: dict[str, dict[str, PeerProperties]] = {}
    for name, records in peers.items():
        rel = node.relationship(name)
        if rel is None:
            continue
        path = ("data", name)
        before = record.peers(name)
        check_count(node.kind, rel, len(records), path, issues)
        added = [r for r in records if r.uid not in before]
        removed = [dropped_records[uid] for uid in before if uid not in wanted[name] and uid in dropped_records]
        link_peers(schema, record.uid, rel, added, removed, deltas, issues, path)
        if wanted[name] != set(before):
            relationships[name] = [r.uid for r in records]
        if props := edge_changes(record.peer_props.get(name), given_props.get(name, {})):
            peer_properties[name] = props
            mirror_edge_properties(schema, record.uid, rel, records, props, deltas)

    final_rels = {**record.rels, **relationships}
    await check_hierarchy(node, record.uid, final_rels, set(relationships), reader, issues)
    final_attrs = {**{name: stored(value) for name, value in record.attrs.items()}, **attributes}
    changed = set(attributes) | set(relationships) | set(peer_properties)
    await check_uniqueness(schema, node, record.uid, final_attrs, final_rels, changed, reader, issues)
    if changed:
        check_kind_rules(schema, node, final_attrs, issues)
    issues.raise_if_any()
    if not changed:
        return []
    attributes.update(derived_values(schema, node, attributes))
    updated = NodeUpdated(node_id=record.uid, kind=record.kind, attributes=attributes, relationships=relationships,
                          peer_properties=peer_properties)  # fmt: skip
    return [updated, *deltas.events()]


async def decide_update(schema: BranchSchema, kind: str, data: Mapping[str, Any], reader: StateReader) -> Decision:
    """Locate the object by `id` or `hfid` and change what the input names. A relationship of
    cardinality many given in the input replaces the whole set."""
    record = await locate(schema, kind, data, reader)
    return Decision(node_id=record.uid, events=await update_events(schema, record, data, reader))
