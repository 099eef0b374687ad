"""Relationship edge properties (`_relation__*`) an input sets: those that change an edge, and
the same properties on the peer's side of a relationship both ends see (Infrahub keeps one set
of properties per edge, read from either end)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from strata_events import PeerProperties
from strata_events.peer_properties import edge_after
from strata_schema import BranchSchema, RelationshipSchema

from ._kinds import peer_side
from ._links import PeerDeltas
from .records import NodeRecord

__all__ = ["edge_changes", "mirror_edge_properties"]


def edge_changes(
    held: Mapping[str, Mapping[str, Any]] | None, given: Mapping[str, PeerProperties]
) -> dict[str, PeerProperties]:
    """The properties of `given` (peer id -> properties) that change what the holder's edges
    keep (`held`: peer id -> properties other than the defaults); a new edge holds the defaults."""
    kept = held or {}
    return {peer: props for peer, props in given.items() if edge_after(kept.get(peer, {}), props) != kept.get(peer, {})}


def mirror_edge_properties(
    schema: BranchSchema,
    source_id: str,
    rel: RelationshipSchema,
    peers: Iterable[NodeRecord],
    changes: Mapping[str, PeerProperties],
    deltas: PeerDeltas,
) -> None:
    """Set `changes` (peer id -> properties) on each peer's side of `rel`, where it has one."""
    for peer in peers:
        props = changes.get(peer.uid)
        if props is None:
            continue
        side = peer_side(schema, rel, peer.kind)
        if side is not None:
            deltas.set_properties(peer, side.name, source_id, props)
