"""The net change a run of node events makes, per object and per field (values, no behaviour)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

import msgspec

from strata_graph.records import RecordState

__all__ = [
    "Action",
    "AttributeChange",
    "Cardinality",
    "CardinalityOf",
    "ChangeSet",
    "ObjectChange",
    "PropertyChange",
    "RelationshipChange",
    "Touch",
    "all_many",
]

Action = Literal["added", "updated", "removed", "unchanged"]
Cardinality = Literal["one", "many"]
CardinalityOf = Callable[[str, str], Cardinality]
"""`(kind, relationship name) -> cardinality`, from the schema of the side being folded."""


def all_many(kind: str, name: str) -> Cardinality:
    """A lookup for callers without a schema: every relationship is a set."""
    return "many"


class Touch(msgspec.Struct, frozen=True, gc=False):
    """One stored event that named a field (or an object): where and when."""

    seq: int
    time: datetime


class PropertyChange(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One property of an attribute (`value`, `is_protected`, `is_visible`, `source`, `owner`)."""

    name: str
    action: Action
    old: Any = None
    new: Any = None


class AttributeChange(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """`old`/`new` hold every property (None when the attribute was absent); `properties` only
    the ones that differ."""

    name: str
    action: Action
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    properties: tuple[PropertyChange, ...]
    touches: tuple[Touch, ...] = ()

    @property
    def old_value(self) -> Any:
        return None if self.old is None else self.old["value"]

    @property
    def new_value(self) -> Any:
        return None if self.new is None else self.new["value"]

    def prop(self, name: str) -> PropertyChange | None:
        return next((p for p in self.properties if p.name == name), None)


class RelationshipChange(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Peers gained and lost (as sets: order is not a change) between the fork and now."""

    name: str
    action: Action
    cardinality: Cardinality
    old_peers: tuple[str, ...]
    new_peers: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    touches: tuple[Touch, ...] = ()
    # peers on both sides whose edge properties changed; each side's properties of the edges
    # that have any (peer id -> properties other than the defaults, `strata_events.peer_properties`)
    props_changed: tuple[str, ...] = ()
    old_props: dict[str, dict[str, Any]] = {}
    new_props: dict[str, dict[str, Any]] = {}


class ObjectChange(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One object's net change; `before`/`after` are its states at the fork and now (None:
    absent). An `unchanged` object was touched but ended as it started."""

    node_id: str
    kind: str
    action: Action
    before: RecordState | None
    after: RecordState | None
    attributes: dict[str, AttributeChange]
    relationships: dict[str, RelationshipChange]
    touches: tuple[Touch, ...] = ()

    @property
    def changed_at(self) -> datetime | None:
        return self.touches[-1].time if self.touches else None


class ChangeSet(msgspec.Struct, frozen=True, kw_only=True):
    """Net changes keyed by object id, in the order the objects were first touched."""

    objects: dict[str, ObjectChange] = {}
    last_seq: int = 0

    def get(self, node_id: str) -> ObjectChange | None:
        return self.objects.get(node_id)

    def changed(self) -> list[ObjectChange]:
        """The objects whose net action is not `unchanged`."""
        return [o for o in self.objects.values() if o.action != "unchanged"]

    def since(self, seq: int) -> ChangeSet:
        """The net changes whose object or field was touched by an event after `seq`."""
        kept: dict[str, ObjectChange] = {}
        for uid, obj in self.objects.items():
            if not obj.touches or obj.touches[-1].seq <= seq:
                continue
            if obj.action in ("added", "removed"):
                kept[uid] = obj
                continue
            attrs = {n: a for n, a in obj.attributes.items() if a.touches and a.touches[-1].seq > seq}
            rels = {n: r for n, r in obj.relationships.items() if r.touches and r.touches[-1].seq > seq}
            kept[uid] = msgspec.structs.replace(obj, attributes=attrs, relationships=rels)
        return ChangeSet(objects=kept, last_seq=self.last_seq)
