"""Differences between two resolved schemas, in the shape `POST /api/schema/check` returns.

Kinds (nodes and generics) and their attributes and relationships are matched by id first,
then by name, so a rename shows as a change of `name` on the renamed element.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from ._fields import field_names
from .model import GenericSchema, KindSchema, NodeSchema

__all__ = ["ElementDiff", "KindDiff", "SchemaDiff", "diff_kinds"]

_KIND_SKIP: Final = frozenset({"id", "attributes", "relationships"})
_ELEMENT_SKIP: Final = frozenset({"id"})


class ElementDiff(msgspec.Struct, frozen=True, kw_only=True):
    """What changed on one attribute or relationship: the names of its changed properties."""

    changed: tuple[str, ...] = ()


class FieldsDiff(msgspec.Struct, frozen=True, kw_only=True):
    added: tuple[str, ...] = ()
    changed: dict[str, ElementDiff] = {}
    removed: tuple[str, ...] = ()
    renamed: dict[str, str] = {}  # new name -> previous name

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


class KindDiff(msgspec.Struct, frozen=True, kw_only=True):
    changed: tuple[str, ...] = ()  # top-level properties
    attributes: FieldsDiff = msgspec.field(default_factory=FieldsDiff)
    relationships: FieldsDiff = msgspec.field(default_factory=FieldsDiff)
    previous_kind: str | None = None  # set when the kind was renamed

    @property
    def empty(self) -> bool:
        return not self.changed and self.attributes.empty and self.relationships.empty


class SchemaDiff(msgspec.Struct, frozen=True, kw_only=True):
    added: tuple[str, ...] = ()
    changed: dict[str, KindDiff] = {}
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    @property
    def all(self) -> list[str]:
        return [*self.changed, *self.added, *self.removed]

    def to_api_dict(self) -> dict[str, Any]:
        """`{"added": {Kind: {...}}, "changed": {...}, "removed": {...}}` as Infrahub answers."""
        empty: dict[str, Any] = {"added": {}, "changed": {}, "removed": {}}
        return {
            "added": {k: dict(empty) for k in self.added},
            "changed": {k: _kind_api(d) for k, d in self.changed.items()},
            "removed": {k: dict(empty) for k in self.removed},
        }


def _fields_api(diff: FieldsDiff) -> dict[str, Any]:
    return {
        "added": dict.fromkeys(diff.added),
        "changed": {
            name: {"added": {}, "changed": dict.fromkeys(e.changed), "removed": {}} for name, e in diff.changed.items()
        },
        "removed": dict.fromkeys(diff.removed),
    }


def _kind_api(diff: KindDiff) -> dict[str, Any]:
    changed: dict[str, Any] = dict.fromkeys(diff.changed)
    if not diff.attributes.empty:
        changed["attributes"] = _fields_api(diff.attributes)
    if not diff.relationships.empty:
        changed["relationships"] = _fields_api(diff.relationships)
    return {"added": {}, "changed": changed, "removed": {}}


def _changed_properties(old: msgspec.Struct, new: msgspec.Struct, skip: frozenset[str]) -> tuple[str, ...]:
    names = [n for n in field_names(type(new)) if n not in skip]
    return tuple(n for n in names if getattr(old, n, None) != getattr(new, n))


def _match(old: Mapping[str, str | None], new: Mapping[str, str | None]) -> tuple[dict[str, str], list[str], list[str]]:
    """Pair names of `new` with names of `old` (by id, then by name); return pairs, added, removed."""
    old_by_id = {i: n for n, i in old.items() if i is not None}
    pairs: dict[str, str] = {}
    for name, ident in new.items():
        if ident is not None and ident in old_by_id:
            pairs[name] = old_by_id[ident]
    taken = set(pairs.values())
    for name in new:
        if name not in pairs and name in old and name not in taken:
            pairs[name] = name
            taken.add(name)
    added = [n for n in new if n not in pairs]
    removed = [n for n in old if n not in taken]
    return pairs, added, removed


def _fields_diff(old: KindSchema, new: KindSchema, container: str) -> FieldsDiff:
    old_items = {e.name: e for e in getattr(old, container)}
    new_items = {e.name: e for e in getattr(new, container)}
    pairs, added, removed = _match({n: e.id for n, e in old_items.items()}, {n: e.id for n, e in new_items.items()})
    changed: dict[str, ElementDiff] = {}
    renamed: dict[str, str] = {}
    for new_name, old_name in pairs.items():
        props = _changed_properties(old_items[old_name], new_items[new_name], _ELEMENT_SKIP)
        if props:
            changed[new_name] = ElementDiff(changed=props)
        if new_name != old_name:
            renamed[new_name] = old_name
    return FieldsDiff(added=tuple(added), changed=changed, removed=tuple(removed), renamed=renamed)


def diff_kinds(
    old: Mapping[str, NodeSchema | GenericSchema], new: Mapping[str, NodeSchema | GenericSchema]
) -> SchemaDiff:
    """Diff two sets of resolved nodes and generics keyed by kind."""
    pairs, added, removed = _match({k: v.id for k, v in old.items()}, {k: v.id for k, v in new.items()})
    changed: dict[str, KindDiff] = {}
    for new_kind, old_kind in pairs.items():
        before, after = old[old_kind], new[new_kind]
        if type(before) is not type(after):
            added.append(new_kind)
            removed.append(old_kind)
            continue
        diff = KindDiff(
            changed=_changed_properties(before, after, _KIND_SKIP),
            attributes=_fields_diff(before, after, "attributes"),
            relationships=_fields_diff(before, after, "relationships"),
            previous_kind=old_kind if old_kind != new_kind else None,
        )
        if not diff.empty:
            changed[new_kind] = diff
    return SchemaDiff(added=tuple(sorted(added)), changed=dict(sorted(changed.items())), removed=tuple(sorted(removed)))
