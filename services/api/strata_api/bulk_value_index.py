"""The objects a bulk document decided so far, by attribute value and by peer.

A lookup by values during a bulk document (uniqueness, hfid, upsert) must see the objects the
document itself decided. Scanning them all per lookup is quadratic; this index answers which
objects hold a value, and follows each decision by its events: a create indexes the new object
whole; an update of an indexed object moves only the attributes it sets and the peers it adds or
removes. A tag or a location gains a peer with nearly every create of a large document, and
indexing all its peers again each time was a sixth of a 1,000-object request's CPU.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from strata_events import NodeUpdated
from strata_graph.folding import NodeEvent
from strata_mutations import NodeRecord

__all__ = ["ValueKey", "PendingValueIndex", "holds_values", "value_key"]

# (attribute, its value encoded) or (relationship, a peer's id)
ValueKey = tuple[str, bytes | str]
_NONE: frozenset[str] = frozenset()


def holds_values(record: NodeRecord, values: Mapping[str, Any]) -> bool:
    """Whether `record` holds every value: an attribute's value, or one of a relationship's peers."""
    return all(
        expected in record.rels.get(key, []) if key in record.rels else record.value(key) == expected
        for key, expected in values.items()
    )


def value_key(value: Any) -> bytes:
    return msgspec.json.encode(value)


class PendingValueIndex:
    """Only the fields some lookup asked for are indexed (`candidates` adds a field the first
    time it is asked): a device a document links interfaces to holds hundreds of peers under
    `interfaces`, which no lookup of an import names, and indexing them all was a third of the
    API's CPU with two documents in flight."""

    def __init__(self) -> None:
        self._holders: dict[ValueKey, set[str]] = {}
        self._keys: dict[str, set[ValueKey]] = {}  # uid -> the keys it is indexed under
        self._attribute_keys: dict[str, dict[str, bytes]] = {}  # uid -> attribute -> encoded value
        self._fields: set[str] = set()  # the attributes and relationships indexed

    def holders(self, key: ValueKey) -> set[str] | frozenset[str]:
        """Who holds `key`, once its field is indexed (see `candidates`)."""
        return self._holders.get(key, _NONE)

    def candidates(self, records: Mapping[str, NodeRecord], values: Mapping[str, Any]) -> list[NodeRecord]:
        """The indexed `records` that may hold every one of `values` (an attribute's value, or a
        peer's id): the intersection of each value's holders; the caller checks them exactly.
        `records` are the objects the index follows, each in its latest state."""
        for name in values:
            if name not in self._fields:
                self._index_field(name, records)
        found: set[str] | frozenset[str] | None = None
        for name, value in values.items():
            holders = self.holders((name, value_key(value)))  # an attribute's
            if isinstance(value, str):
                holders = holders | self.holders((name, value))  # or a peer's
            found = holders if found is None else found & holders
            if not found:
                return []
        uids = records.keys() if found is None else found
        return [records[u] for u in uids if u in records]

    def update(self, events: Iterable[NodeEvent], pending: Mapping[str, NodeRecord]) -> None:
        """Follow `events`, already folded into `pending` (each object's latest state)."""
        for event in events:
            record = pending.get(event.node_id)
            if isinstance(event, NodeUpdated) and not event.relationships and event.node_id in self._keys \
                    and record is not None:  # fmt: skip
                self._apply_update(event, record)
            else:
                self._index_whole(event.node_id, record)

    def _index_field(self, name: str, records: Mapping[str, NodeRecord]) -> None:
        self._fields.add(name)
        for uid in self._keys:
            record = records.get(uid)
            if record is not None:
                self._index_fields(uid, record, (name,))

    def _index_whole(self, uid: str, record: NodeRecord | None) -> None:
        for key in self._keys.pop(uid, ()):
            self._holders[key].discard(uid)
        self._attribute_keys.pop(uid, None)
        if record is None:
            return
        self._keys[uid] = set()
        self._attribute_keys[uid] = {}
        self._index_fields(uid, record, self._fields)

    def _index_fields(self, uid: str, record: NodeRecord, fields: Iterable[str]) -> None:
        for name in fields:
            if name in record.attrs:
                self._set_attribute(uid, name, record.attrs[name].get("value"))
            for key in zip(itertools.repeat(name), record.rels.get(name, ())):  # a peer's key is its id
                self._add(uid, key)

    def _apply_update(self, event: NodeUpdated, record: NodeRecord) -> None:
        fields = self._fields
        for name in event.attributes:
            if name in fields:
                self._set_attribute(event.node_id, name, record.value(name))
        for name, peers in event.peers_added.items():
            if name in fields:
                for peer in peers:
                    self._add(event.node_id, (name, peer))
        for name, peers in event.peers_removed.items():
            if name in fields:
                for peer in peers:
                    self._remove(event.node_id, (name, peer))

    def _set_attribute(self, uid: str, name: str, value: Any) -> None:
        encoded = value_key(value)
        known = self._attribute_keys[uid]
        before = known.get(name)
        if before == encoded:
            return
        if before is not None:
            self._remove(uid, (name, before))
        known[name] = encoded
        self._add(uid, (name, encoded))

    def _add(self, uid: str, key: ValueKey) -> None:
        self._holders.setdefault(key, set()).add(uid)
        self._keys[uid].add(key)

    def _remove(self, uid: str, key: ValueKey) -> None:
        if key in self._holders:
            self._holders[key].discard(uid)
        self._keys[uid].discard(key)
