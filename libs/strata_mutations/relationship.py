"""RelationshipAdd / RelationshipRemove: add peers to, or take them from, a relationship of
cardinality many without naming the rest of the set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from strata_events import NodeUpdated, PeerProperties
from strata_schema import BranchSchema, KindSchema, RelationshipSchema

from ._edge_properties import edge_changes, mirror_edge_properties
from ._hierarchy import check_hierarchy
from ._links import PeerDeltas, link_peers
from ._peers import PeerRef, parse_refs, resolve_peers
from .decision import NodeEvent
from .errors import Issue, Issues, MutationError, ObjectNotFound
from .reader import StateReader
from .records import NodeRecord

__all__ = ["decide_relationship_add", "decide_relationship_remove"]

Peers = Sequence[str | Mapping[str, Any]]


async def _target(
    schema: BranchSchema, source_id: str, name: str, reader: StateReader
) -> tuple[NodeRecord, KindSchema, RelationshipSchema]:
    record = (await reader.get([source_id])).get(source_id)
    node = schema.get(record.kind) if record is not None else None
    if record is None or node is None:
        raise ObjectNotFound(f"Unable to find the node {source_id} in the database.", identifier=source_id)
    rel = node.relationship(name)
    if rel is None:
        raise MutationError([Issue(("data", "name"), f"'{name}' is not a valid relationship for '{record.kind}'")])
    if rel.cardinality != "many":
        raise MutationError([Issue(("data", "name"), f"'{name}' must be a relationship of cardinality Many")])
    if rel.read_only:
        raise MutationError([Issue(("data", "name"), f"{name} is read-only and cannot be changed")])
    return record, node, rel


def _refs(rel: RelationshipSchema, peers: Peers, issues: Issues) -> list[PeerRef]:
    parsed = parse_refs(rel, list(peers), ("data", "nodes"), issues)
    issues.raise_if_any()
    return parsed or []


async def decide_relationship_add(
    schema: BranchSchema, source_id: str, relationship_name: str, peers: Peers, reader: StateReader
) -> list[NodeEvent]:
    """Add peers (ids, or `{id}`/`{hfid}` inputs); those already present stay, with the edge
    properties the input sets (`_relation__*`) applied."""
    record, node, rel = await _target(schema, source_id, relationship_name, reader)
    issues = Issues()
    refs = _refs(rel, peers, issues)
    given_props: dict[str, dict[str, PeerProperties]] = {}
    resolved = (await resolve_peers(schema, node, reader, {rel.name: refs}, issues, given_props)).get(rel.name, [])
    before = record.peers(rel.name)
    new = [peer for peer in resolved if peer.uid not in before]
    if rel.max_count and len(before) + len(new) > rel.max_count:
        issues.add(("data", "nodes"), f"Too many relationships, max {rel.max_count}")
    deltas = PeerDeltas()
    link_peers(schema, record.uid, rel, new, (), deltas, issues, ("data", "nodes"))
    final = {**record.rels, rel.name: before + [peer.uid for peer in new]}
    await check_hierarchy(node, record.uid, final, {rel.name}, reader, issues)
    issues.raise_if_any()
    props = edge_changes(record.peer_props.get(rel.name), given_props.get(rel.name, {}))
    if not (new or props):
        return []
    mirror_edge_properties(schema, record.uid, rel, resolved, props, deltas)
    added = NodeUpdated(node_id=record.uid, kind=record.kind, peers_added={rel.name: [p.uid for p in new]} if new else {},
                        peer_properties={rel.name: props} if props else {})  # fmt: skip
    return [added, *deltas.events()]


async def decide_relationship_remove(
    schema: BranchSchema, source_id: str, relationship_name: str, peers: Peers, reader: StateReader
) -> list[NodeEvent]:
    """Remove peers; ids that are not among the current peers are ignored."""
    record, node, rel = await _target(schema, source_id, relationship_name, reader)
    issues = Issues()
    refs = _refs(rel, peers, issues)
    by_hfid = [ref for ref in refs if not ref.id]
    resolved = (await resolve_peers(schema, node, reader, {rel.name: by_hfid}, issues)).get(rel.name, [])
    before = record.peers(rel.name)
    asked = [ref.id for ref in refs if ref.id] + [peer.uid for peer in resolved]
    gone = [uid for uid in dict.fromkeys(asked) if uid in before]
    low = 0 if rel.optional else rel.min_count
    if low and len(before) - len(gone) < low:
        issues.add(("data", "nodes"), f"Too few relationships, min {low}")
    found = await reader.get(gone) if gone else {}
    deltas = PeerDeltas()
    link_peers(schema, record.uid, rel, (), [found[uid] for uid in gone if uid in found], deltas, issues,
               ("data", "nodes"))
    issues.raise_if_any()
    if not gone:
        return []
    removed = NodeUpdated(node_id=record.uid, kind=record.kind, peers_removed={rel.name: gone})
    return [removed, *deltas.events()]
