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

from ._fields import PROPERTIES, exists, ordered_difference, properties_of, property_action, same
from .changes import (
    Action,
    AttributeChange,
    CardinalityOf,
    ChangeSet,
    ObjectChange,
    PropertyChange,
    RelationshipChange,
    Touch,
)

__all__ = ["ChangeFolder", "fold_changes", "touched_ids"]

_Field = tuple[str, str]  # ("attr" | "rel", name)


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
        self._field_touches: dict[str, dict[_Field, list[Touch]]] = {}
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
        was, now = exists(before), exists(after)
        if not was and not now:
            return None  # created and deleted since the fork, or never there: nothing to show
        action: Action = "updated" if was and now else "added" if now else "removed"
        kind = (after or before or RecordState(kind="")).kind
        touches = self._field_touches.get(uid, {})
        old_attrs = before.attrs if was and before else {}
        new_attrs = after.attrs if now and after else {}
        attributes: dict[str, AttributeChange] = {}
        for name in _union(old_attrs, new_attrs):
            attr = _attribute_change(
                name, action, old_attrs.get(name), new_attrs.get(name), touches.get(("attr", name), ())
            )
            if attr is not None:
                attributes[name] = attr
        old_rels = before.rels if was and before else {}
        new_rels = after.rels if now and after else {}
        relationships: dict[str, RelationshipChange] = {}
        for name in _union(old_rels, new_rels):
            old_peers, new_peers = tuple(old_rels.get(name, ())), tuple(new_rels.get(name, ()))
            added, removed = ordered_difference(new_peers, old_peers), ordered_difference(old_peers, new_peers)
            if added or removed:
                relationships[name] = RelationshipChange(
                    name=name,
                    action=action,
                    cardinality=self._cardinality(kind, name),
                    old_peers=old_peers,
                    new_peers=new_peers,
                    added=added,
                    removed=removed,
                    touches=tuple(touches.get(("rel", name), ())),
                )
        if action == "updated" and not attributes and not relationships:
            action = "unchanged"
        return ObjectChange(
            node_id=uid,
            kind=kind,
            action=action,
            before=before,
            after=after,
            attributes=attributes,
            relationships=relationships,
            touches=tuple(self._touches.get(uid, ())),
        )


def _fields_named(event: NodeCreated | NodeUpdated | NodeDeleted, previous: RecordState | None) -> list[_Field]:
    match event:
        case NodeCreated():
            # A creation replaces the whole record, so it touches what was there too.
            old = previous or RecordState(kind=event.kind)
            attrs = _union(old.attrs, event.attributes)
            rels = _union(old.rels, event.relationships)
        case NodeUpdated():
            attrs = list(event.attributes)
            rels = _union(event.relationships, event.peers_added, event.peers_removed)
        case NodeDeleted():
            # A removal ends every field the object had.
            old = previous or RecordState(kind=event.kind)
            attrs, rels = list(old.attrs), list(old.rels)
    return [("attr", n) for n in attrs] + [("rel", n) for n in rels]


def _attribute_change(
    name: str,
    action: Action,
    old_record: Mapping[str, object] | None,
    new_record: Mapping[str, object] | None,
    touches: Iterable[Touch],
) -> AttributeChange | None:
    old, new = properties_of(old_record), properties_of(new_record)
    props: list[PropertyChange] = []
    for prop in PROPERTIES:
        before = None if old is None else old[prop]
        now = None if new is None else new[prop]
        if not same(before, now):
            props.append(PropertyChange(name=prop, action=property_action(before, now), old=before, new=now))
    if not props:
        return None
    return AttributeChange(
        name=name, action=action, old=old, new=new, properties=tuple(props), touches=tuple(touches)
    )


def _union(*keyed: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for keys in keyed:
        seen.update(dict.fromkeys(keys))
    return list(seen)
