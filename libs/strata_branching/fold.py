"""Folding a run of stored node events into their net change per object and field (pure).

Work follows the events: only the objects they name are looked at, and `base` need only hold
the states (at the fork point) of those objects; `touched_ids` tells a caller which to load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from strata_eventstore.records import StoredEvent
from strata_events import NodeCreated, NodeDeleted, NodeUpdated
from strata_graph.folding import apply_node_event
from strata_graph.records import RecordState

from .changes import CardinalityOf, ChangeSet, ObjectChange, Touch
from .net_change import Field, object_change, union

__all__ = ["ChangeFolder", "fold_changes", "touched_ids"]


def touched_ids(events: Iterable[StoredEvent]) -> set[str]:
    """The ids of the objects the node events among `events` name."""
    return {e.event.node_id for e in events if isinstance(e.event, (NodeCreated, NodeUpdated, NodeDeleted))}


def fold_changes(
    base: Mapping[str, RecordState | None],
    events: Iterable[StoredEvent],
    *,
    cardinality: CardinalityOf,
) -> ChangeSet:
    """The net change of the node events in `events` on top of `base`; other events are skipped."""
    folder = ChangeFolder(base, cardinality=cardinality)
    for stored in events:
        folder.apply(stored)
    return folder.change_set()


class ChangeFolder:
    """Incremental form of `fold_changes`: feed events one at a time, read the net change at
    any point."""

    def __init__(self, base: Mapping[str, RecordState | None], *, cardinality: CardinalityOf) -> None:
        self._base = base
        self._cardinality = cardinality
        self._before: dict[str, RecordState | None] = {}
        self._states: dict[str, RecordState | None] = {}
        self._touches: dict[str, list[Touch]] = {}
        self._field_touches: dict[str, dict[Field, list[Touch]]] = {}
        self._last_seq = 0
        self._changes: dict[str, ObjectChange | None] = {}  # net change per object, as of its last event
        self._dirty: set[str] = set()

    def apply(self, stored: StoredEvent) -> None:
        event = stored.event
        if not isinstance(event, (NodeCreated, NodeUpdated, NodeDeleted)):
            return
        uid = event.node_id
        if uid not in self._states:
            self._before[uid] = self._states[uid] = self._base.get(uid)
            self._changes[uid] = None  # holds the first-touch order
        previous = self._states[uid]
        self._states[uid] = apply_node_event(previous, event)
        touch = Touch(stored.seq, stored.time)
        self._last_seq = max(self._last_seq, stored.seq)
        self._touches.setdefault(uid, []).append(touch)
        self._dirty.add(uid)
        fields = self._field_touches.setdefault(uid, {})
        for key in _fields_named(event, previous):
            fields.setdefault(key, []).append(touch)

    def change_set(self) -> ChangeSet:
        """The net change so far; only objects touched since the last call are worked out again."""
        for uid in self._dirty:
            self._changes[uid] = self._object_change(uid, self._before[uid], self._states[uid])
        self._dirty.clear()
        objects = {uid: change for uid, change in self._changes.items() if change is not None}
        return ChangeSet(objects=objects, last_seq=self._last_seq)

    def _object_change(self, uid: str, before: RecordState | None, after: RecordState | None) -> ObjectChange | None:
        return object_change(
            uid, before, after, cardinality=self._cardinality, touches=tuple(self._touches.get(uid, ())),
            field_touches=self._field_touches.get(uid, {}),
        )  # fmt: skip


def _fields_named(event: NodeCreated | NodeUpdated | NodeDeleted, previous: RecordState | None) -> list[Field]:
    match event:
        case NodeCreated():
            # A creation replaces the whole record, so it touches what was there too.
            old = previous or RecordState(kind=event.kind)
            attrs = union(old.attrs, event.attributes)
            rels = union(old.rels, event.relationships)
        case NodeUpdated():
            attrs = list(event.attributes)
            rels = union(event.relationships, event.peers_added, event.peers_removed, event.peer_properties)
        case NodeDeleted():
            # A removal ends every field the object had.
            old = previous or RecordState(kind=event.kind)
            attrs, rels = list(old.attrs), list(old.rels)
    return [("attr", n) for n in attrs] + [("rel", n) for n in rels]
