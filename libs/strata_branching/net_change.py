"""One object's net change between two of its states (pure), and a whole change set from the
states before and after: what a fold of events computes, read straight from folded records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import msgspec

from strata_core.gc_pause import gc_paused
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

__all__ = ["Field", "TouchedState", "changes_between", "object_change", "union"]

Field = tuple[str, str]  # ("attr" | "rel", name)
_encode = msgspec.json.Encoder().encode


class TouchedState(msgspec.Struct, frozen=True, gc=False):
    """An object's state now and the last change that made it (None: no change known)."""

    state: RecordState | None
    touch: Touch | None = None


def changes_between(
    before: Mapping[str, RecordState | None],
    after: Mapping[str, TouchedState],
    *,
    cardinality: CardinalityOf,
) -> ChangeSet:
    """The net change from `before` to `after` of every object `after` names, in its order.

    Each changed field is dated by its object's last change: records keep states, not which
    event touched which field."""
    with gc_paused():
        return _changes_between(before, after, cardinality)


def _changes_between(
    before: Mapping[str, RecordState | None], after: Mapping[str, TouchedState], cardinality: CardinalityOf
) -> ChangeSet:
    objects: dict[str, ObjectChange] = {}
    last_seq = 0
    for uid, now in after.items():
        if now.state is not None and now.state is before.get(uid):
            continue  # the very record of before: nothing changed
        touches = (now.touch,) if now.touch is not None else ()
        change = object_change(uid, before.get(uid), now.state, cardinality=cardinality, touches=touches)
        if change is not None:
            objects[uid] = change
        if now.touch is not None:
            last_seq = max(last_seq, now.touch.seq)
    return ChangeSet(objects=objects, last_seq=last_seq)


def object_change(
    uid: str,
    before: RecordState | None,
    after: RecordState | None,
    *,
    cardinality: CardinalityOf,
    touches: tuple[Touch, ...],
    field_touches: Mapping[Field, Sequence[Touch]] | None = None,
) -> ObjectChange | None:
    """None when the object exists on neither side; `field_touches` None dates every field
    by `touches`."""
    was, now = exists(before), exists(after)
    if not was and not now:
        return None  # created and deleted since the fork, or never there: nothing to show
    action: Action = "updated" if was and now else "added" if now else "removed"
    kind = (after or before or RecordState(kind="")).kind

    def touched(key: Field) -> tuple[Touch, ...]:
        return touches if field_touches is None else tuple(field_touches.get(key, ()))

    old_attrs = before.attrs if was and before else {}
    new_attrs = after.attrs if now and after else {}
    attributes: dict[str, AttributeChange] = {}
    for name in union(old_attrs, new_attrs):
        attr = _attribute_change(name, action, old_attrs.get(name), new_attrs.get(name), touched)
        if attr is not None:
            attributes[name] = attr
    old_rels = before.rels if was and before else {}
    new_rels = after.rels if now and after else {}
    old_props = before.peer_props if was and before else {}
    new_props = after.peer_props if now and after else {}
    relationships: dict[str, RelationshipChange] = {}
    for name in union(old_rels, new_rels):
        old_peers, new_peers = tuple(old_rels.get(name, ())), tuple(new_rels.get(name, ()))
        old_edges, new_edges = old_props.get(name, {}), new_props.get(name, {})
        if old_peers == new_peers and old_edges == new_edges:
            continue
        added, removed = ordered_difference(new_peers, old_peers), ordered_difference(old_peers, new_peers)
        kept = set(old_peers)
        props_changed = tuple(p for p in new_peers if p in kept and old_edges.get(p) != new_edges.get(p))
        if added or removed or props_changed:
            relationships[name] = RelationshipChange(
                name=name, action=action, cardinality=cardinality(kind, name), old_peers=old_peers,
                new_peers=new_peers, added=added, removed=removed, touches=touched(("rel", name)),
                props_changed=props_changed, old_props=old_edges, new_props=new_edges,
            )  # fmt: skip
    if action == "updated" and not attributes and not relationships:
        action = "unchanged"
    return ObjectChange(
        node_id=uid, kind=kind, action=action, before=before, after=after, attributes=attributes,
        relationships=relationships, touches=touches,
    )  # fmt: skip


def _attribute_change(
    name: str,
    action: Action,
    old_record: Mapping[str, object] | None,
    new_record: Mapping[str, object] | None,
    touched: Callable[[Field], tuple[Touch, ...]],
) -> AttributeChange | None:
    if old_record is not None and new_record is not None and _encode(old_record) == _encode(new_record):
        return None  # the same JSON is the same value, types included: the common case, decided in C
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
        name=name, action=action, old=old, new=new, properties=tuple(props), touches=touched(("attr", name))
    )


def union(*keyed: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for keys in keyed:
        seen.update(dict.fromkeys(keys))
    return list(seen)
