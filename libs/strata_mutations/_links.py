"""Relationship changes seen from both ends: counts on the source, deltas and counts on the peers."""

from __future__ import annotations

from collections.abc import Iterable

from strata_events import NodeUpdated, PeerProperties
from strata_schema import BranchSchema, RelationshipSchema

from ._kinds import peer_side
from .errors import Issues, Path
from .records import NodeRecord

__all__ = ["PeerDeltas", "check_count", "link_peers"]


class PeerDeltas:
    """Back-references to add and remove on peers, merged into one `NodeUpdated` per peer."""

    def __init__(self) -> None:
        self._kinds: dict[str, str] = {}
        self._added: dict[str, dict[str, list[str]]] = {}
        self._removed: dict[str, dict[str, list[str]]] = {}
        self._properties: dict[str, dict[str, dict[str, PeerProperties]]] = {}

    def _note(self, into: dict[str, dict[str, list[str]]], peer: NodeRecord, rel: str, source_id: str) -> None:
        self._kinds.setdefault(peer.uid, peer.kind)
        ids = into.setdefault(peer.uid, {}).setdefault(rel, [])
        if source_id not in ids:
            ids.append(source_id)

    def add(self, peer: NodeRecord, rel: str, source_id: str) -> None:
        self._note(self._added, peer, rel, source_id)

    def remove(self, peer: NodeRecord, rel: str, source_id: str) -> None:
        self._note(self._removed, peer, rel, source_id)

    def set_properties(self, peer: NodeRecord, rel: str, source_id: str, props: PeerProperties) -> None:
        """The peer's edge to `source_id` through `rel` takes `props` (the same edge's other end)."""
        self._kinds.setdefault(peer.uid, peer.kind)
        self._properties.setdefault(peer.uid, {}).setdefault(rel, {})[source_id] = props

    def events(self) -> list[NodeUpdated]:
        """One update per peer, in the order the peers were first touched."""
        return [
            NodeUpdated(
                node_id=uid,
                kind=kind,
                peers_added=self._added.get(uid, {}),
                peers_removed=self._removed.get(uid, {}),
                peer_properties=self._properties.get(uid, {}),
            )
            for uid, kind in self._kinds.items()
        ]


def check_count(owner_kind: str, rel: RelationshipSchema, count: int, path: Path, issues: Issues) -> None:
    """The source side's own limits on how many peers `rel` holds."""
    if rel.cardinality == "one":
        if count == 0 and not rel.optional:
            issues.add(path, f"{rel.name} is mandatory for {owner_kind}")
        return
    low = 0 if rel.optional else rel.min_count
    if low and count < low:
        issues.add(path, f"Too few relationships, min {low}")
    if rel.max_count and count > rel.max_count:
        issues.add(path, f"Too many relationships, max {rel.max_count}")


def _others(peer: NodeRecord, relationship: str, source_id: str) -> int:
    """How many peers `peer` has through `relationship` besides `source_id`."""
    peers = peer.rels.get(relationship, ())
    return len(peers) - (source_id in peers)


def link_peers(
    schema: BranchSchema,
    source_id: str,
    rel: RelationshipSchema,
    added: Iterable[NodeRecord],
    removed: Iterable[NodeRecord],
    deltas: PeerDeltas,
    issues: Issues,
    path: Path,
) -> None:
    """Record the peers' side of `rel` gaining and losing `source_id`, within the peers' limits."""
    for peer in added:
        side = peer_side(schema, rel, peer.kind)
        if side is None:
            continue
        # counted only under a limit: a tag or a site may hold thousands of peers
        if side.max_count and (count := _others(peer, side.name, source_id) + 1) > side.max_count:
            issues.add(path, f"{peer.kind} {peer.uid} would have {count} peers on {side.name}, "
                             f"at most {side.max_count} allowed")
        deltas.add(peer, side.name, source_id)
    for peer in removed:
        side = peer_side(schema, rel, peer.kind)
        if side is None:
            continue
        if side.min_count and (count := _others(peer, side.name, source_id)) < side.min_count:
            issues.add(path, f"{peer.kind} {peer.uid} would have {count} peers on {side.name}, "
                             f"at least {side.min_count} required")
        deltas.remove(peer, side.name, source_id)
