"""Delete: the object, what it owns through cascading relationships, and every reference to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strata_events import NodeDeleted
from strata_schema import BranchSchema, RelationshipSchema

from ._kinds import one_sided_referrers, peer_side
from ._links import PeerDeltas
from .decision import Decision, NodeEvent
from .errors import Issues
from .reader import StateReader
from .records import NodeRecord
from .update import locate

__all__ = ["decide_delete"]


async def _with_cascade(schema: BranchSchema, root: NodeRecord, reader: StateReader) -> dict[str, NodeRecord]:
    """`root` and, recursively, the peers of its `on_delete: cascade` relationships."""
    doomed = {root.uid: root}
    frontier = [root]
    while frontier:
        wanted: list[str] = []
        for record in frontier:
            kind = schema.get(record.kind)
            for rel in kind.relationships if kind is not None else ():
                if rel.on_delete == "cascade":
                    wanted += [uid for uid in record.peers(rel.name) if uid not in doomed]
        found = await reader.get(sorted(set(wanted))) if wanted else {}
        frontier = []
        for uid in dict.fromkeys(wanted):
            if uid in found and uid not in doomed:
                doomed[uid] = found[uid]
                frontier.append(found[uid])
    return doomed


def _still_needed(
    peer: NodeRecord, rel: RelationshipSchema, gone: NodeRecord, doomed: Mapping[str, NodeRecord], issues: Issues
) -> None:
    """Refuse leaving `peer` without the peers its mandatory relationship `rel` needs."""
    if rel.optional:
        return
    remaining = [uid for uid in peer.peers(rel.name) if uid not in doomed]
    if len(remaining) < max(rel.min_count, 1):
        issues.add((peer.kind, rel.name), f"Cannot delete {gone.kind} '{gone.uid}'. It is linked to mandatory "
                                          f"relationship {rel.name} on node {peer.kind} '{peer.uid}'")


async def decide_delete(
    schema: BranchSchema, kind: str, target: str | Mapping[str, Any], reader: StateReader
) -> Decision:
    """`NodeDeleted` for the object (by id, or a `{id}`/`{hfid}` input) and its cascade, then
    the references other objects hold to them removed. Raises `MutationError` if another
    object's mandatory relationship would be left empty."""
    record = await locate(schema, kind, {"id": target} if isinstance(target, str) else target, reader)
    doomed = await _with_cascade(schema, record, reader)
    issues = Issues()
    deltas = PeerDeltas()
    holders = sorted({uid for gone in doomed.values() for peers in gone.rels.values() for uid in peers} - set(doomed))
    peers = await reader.get(holders) if holders else {}
    for gone in doomed.values():
        kind_schema = schema.get(gone.kind)
        for rel in kind_schema.relationships if kind_schema is not None else ():
            for uid in gone.peers(rel.name):
                peer = peers.get(uid)
                side = peer_side(schema, rel, peer.kind) if peer is not None else None
                if peer is None or side is None:
                    continue
                deltas.remove(peer, side.name, gone.uid)
                _still_needed(peer, side, gone, doomed, issues)
        for owner_kind, rel in one_sided_referrers(schema, gone.kind):
            for holder in await reader.find_by_values(owner_kind, {rel.name: gone.uid}):
                if holder.uid not in doomed:
                    deltas.remove(holder, rel.name, gone.uid)
                    _still_needed(holder, rel, gone, doomed, issues)
    issues.raise_if_any()
    events: list[NodeEvent] = [NodeDeleted(node_id=uid, kind=gone.kind) for uid, gone in doomed.items()]
    return Decision(node_id=record.uid, events=[*events, *deltas.events()])
