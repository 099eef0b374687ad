"""The events of a bulk document, with the peers' back-references merged.

Every create that names a peer also appends the peer's side (`NodeUpdated` with `peers_added`):
48 interfaces of one device give the device 48 updates. Within one atomic batch those updates
are one update per peer, placed where the peer's last one was (after every create it names), so
the batch and the projection carry half the events for the same end state.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata_events import NodeUpdated, PeerProperties
from strata_mutations import NodeEvent

__all__ = ["merge_back_references"]


def _is_back_reference(event: NodeEvent) -> bool:
    return isinstance(event, NodeUpdated) and not (event.attributes or event.relationships or event.peers_removed)


def merge_back_references(events: Sequence[NodeEvent]) -> list[NodeEvent]:
    """`events` with each peer's back-reference updates merged into its last one. A peer that
    gets any other event after its first back-reference is left as it is."""
    last: dict[str, int] = {}
    kept_apart: set[str] = set()
    for index, event in enumerate(events):
        if _is_back_reference(event):
            last[event.node_id] = index
        elif event.node_id in last:
            kept_apart.add(event.node_id)
    added: dict[str, dict[str, dict[str, None]]] = {}  # peer -> relationship -> ids, in order
    edges: dict[str, dict[str, dict[str, PeerProperties]]] = {}  # peer -> relationship -> id -> properties
    for event in events:
        if isinstance(event, NodeUpdated) and _is_back_reference(event) and event.node_id not in kept_apart:
            into = added.setdefault(event.node_id, {})
            for rel, ids in event.peers_added.items():
                into.setdefault(rel, {}).update(dict.fromkeys(ids))
            for rel, by_id in event.peer_properties.items():
                edges.setdefault(event.node_id, {}).setdefault(rel, {}).update(by_id)
    out: list[NodeEvent] = []
    for index, event in enumerate(events):
        if event.node_id in added and _is_back_reference(event):
            if index == last[event.node_id]:
                merged = {rel: list(ids) for rel, ids in added[event.node_id].items()}
                out.append(NodeUpdated(node_id=event.node_id, kind=event.kind, peers_added=merged,
                                       peer_properties=edges.get(event.node_id, {})))  # fmt: skip
        else:
            out.append(event)
    return out
