"""Fold parsed schema files into a branch's definitions, the way Infrahub's load does.

A loaded kind updates the stored one: a field given with a value replaces the stored value,
a field left empty (null) keeps it. Attributes, relationships and dropdown choices are matched
by id first, then by name; those the file does not mention stay, `state: absent` removes them.
A kind whose id matches a stored kind of another name is a rename. Ids are derived from names
when an element is first created, so loading the same files twice gives the same ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TypeVar

import msgspec

from ._fields import field_names
from .errors import SchemaError
from .model import (
    AttributeSchema,
    DropdownChoice,
    GenericSchema,
    MainSchema,
    NodeSchema,
    RelationshipSchema,
    SchemaFile,
)

__all__ = ["Definitions", "MergeResult", "Origin", "merge_files", "stable_id"]

Definitions = dict[str, MainSchema]
_ID_NAMESPACE: Final = uuid.UUID("0b7c3f5e-6a59-4c8e-9d0f-5b1a7e2c4d11")
_ELEMENT_FIELDS: Final = frozenset({"attributes", "relationships", "id"})

E = TypeVar("E", AttributeSchema, RelationshipSchema)


def stable_id(*parts: str) -> str:
    """A UUID derived from names: the same names always give the same id."""
    return str(uuid.uuid5(_ID_NAMESPACE, "/".join(parts)))


class Origin(msgspec.Struct, frozen=True):
    """Where a kind or element was declared: file name, document index, location."""

    file: str
    schema_index: int
    loc: tuple[str | int, ...]


class MergeResult(msgspec.Struct, frozen=True, kw_only=True):
    definitions: dict[str, MainSchema]
    kind_origins: dict[str, Origin]
    element_origins: dict[tuple[str, str, str], Origin]
    renamed_kinds: dict[str, str]
    errors: tuple[SchemaError, ...]


def merge_files(current: Mapping[str, MainSchema], files: Sequence[SchemaFile]) -> MergeResult:
    """Apply `files` in order on top of `current`; `current` is left untouched."""
    merger = _Merger(dict(current))
    for schema in files:
        for index, generic in enumerate(schema.generics):
            merger.declare(generic, Origin(schema.name, schema.index, ("generics", index)))
        for index, node in enumerate(schema.nodes):
            merger.declare(node, Origin(schema.name, schema.index, ("nodes", index)))
        for index, ext in enumerate(schema.extensions):
            merger.extend(ext.kind, ext.attributes, ext.relationships,
                          Origin(schema.name, schema.index, ("extensions", "nodes", index)))
    return MergeResult(
        definitions=merger.defs, kind_origins=merger.kind_origins,
        element_origins=merger.element_origins, renamed_kinds=merger.renamed,
        errors=tuple(merger.errors),
    )


class _Merger:
    def __init__(self, defs: Definitions) -> None:
        self.defs = defs
        self.kind_origins: dict[str, Origin] = {}
        self.element_origins: dict[tuple[str, str, str], Origin] = {}
        self.renamed: dict[str, str] = {}
        self.errors: list[SchemaError] = []

    def _error(self, origin: Origin, kind: str, code: str, reason: str, *loc: str | int) -> None:
        self.errors.append(SchemaError(
            code=code, reason=reason, file=origin.file, schema_index=origin.schema_index,
            kind=kind, loc=(*origin.loc, *loc),
        ))

    def _record_elements(self, kind: str, item: NodeSchema | GenericSchema | Any, origin: Origin) -> None:
        for container in ("attributes", "relationships"):
            for index, element in enumerate(getattr(item, container)):
                self.element_origins[(kind, container, element.name)] = Origin(
                    origin.file, origin.schema_index, (*origin.loc, container, index)
                )

    def declare(self, item: MainSchema, origin: Origin) -> None:
        kind = item.kind
        existing_kind = kind
        if item.id is not None:
            by_id = next((k for k, d in self.defs.items() if d.id == item.id), None)
            if by_id is not None:
                existing_kind = by_id
        existing = self.defs.get(existing_kind)
        if item.state == "absent":
            if existing is not None:
                del self.defs[existing_kind]
            return
        self.kind_origins[kind] = origin
        self._record_elements(kind, item, origin)
        if existing is None:
            self.defs[kind] = _with_ids(item, kind)
            return
        if type(existing) is not type(item):
            what = "generic" if isinstance(existing, GenericSchema) else "node"
            self._error(origin, kind, "schema.invalid_value",
                        f"{existing_kind} already exists as a {what}", "name")
            return
        merged = _merge_kind(existing, item)
        if existing_kind != kind:
            del self.defs[existing_kind]
            self.renamed[existing_kind] = kind
        self.defs[kind] = _with_ids(merged, kind)

    def extend(
        self,
        kind: str,
        attributes: tuple[AttributeSchema, ...],
        relationships: tuple[RelationshipSchema, ...],
        origin: Origin,
    ) -> None:
        existing = self.defs.get(kind)
        if existing is None:
            self._error(origin, kind, "schema.unknown_kind", f"cannot extend {kind!r}: no such kind", "kind")
            return
        self.kind_origins.setdefault(kind, origin)
        names = [("attributes", a.name) for a in attributes] + [("relationships", r.name) for r in relationships]
        counters = {"attributes": 0, "relationships": 0}
        for container, name in names:
            self.element_origins[(kind, container, name)] = Origin(
                origin.file, origin.schema_index, (*origin.loc, container, counters[container])
            )
            counters[container] += 1
        merged = msgspec.structs.replace(
            existing,
            attributes=_merge_elements(existing.attributes, attributes),
            relationships=_merge_elements(existing.relationships, relationships),
        )
        self.defs[kind] = _with_ids(merged, kind)


def _merge_fields(old: msgspec.Struct, new: msgspec.Struct, skip: Iterable[str]) -> dict[str, Any]:
    skipped = set(skip)
    changes: dict[str, Any] = {}
    for name in field_names(type(new)):
        if name in skipped:
            continue
        value = getattr(new, name)
        if value is not None and value != getattr(old, name):
            changes[name] = value
    return changes


def _merge_kind(old: MainSchema, new: MainSchema) -> MainSchema:
    changes = _merge_fields(old, new, _ELEMENT_FIELDS)
    return msgspec.structs.replace(
        old,
        **changes,
        attributes=_merge_elements(old.attributes, new.attributes),
        relationships=_merge_elements(old.relationships, new.relationships),
    )


def _merge_elements(old: tuple[E, ...], new: tuple[E, ...]) -> tuple[E, ...]:
    old_ids = {e.id: i for i, e in enumerate(old) if e.id is not None}
    old_names = {e.name: i for i, e in enumerate(old)}
    result: list[E | None] = list(old)
    appended: list[E] = []
    for element in new:
        index = old_ids.get(element.id) if element.id is not None else None
        if index is None:
            index = old_names.get(element.name)
        if index is None:
            if element.state != "absent":
                appended.append(element)
            continue
        current = result[index]
        if current is None:
            continue
        if element.state == "absent":
            result[index] = None
            continue
        result[index] = _merge_element(current, element)
    return tuple(e for e in result if e is not None) + tuple(appended)


def _merge_element(old: E, new: E) -> E:
    changes = _merge_fields(old, new, ("id", "choices"))
    if isinstance(old, AttributeSchema) and isinstance(new, AttributeSchema) and new.choices is not None:
        changes["choices"] = _merge_choices(old.choices or (), new.choices)
    return msgspec.structs.replace(old, **changes)


def _merge_choices(
    old: tuple[DropdownChoice, ...], new: tuple[DropdownChoice, ...]
) -> tuple[DropdownChoice, ...]:
    by_name = {c.name: c for c in old}
    for choice in new:
        previous = by_name.get(choice.name)
        if previous is None:
            by_name[choice.name] = choice
        else:
            by_name[choice.name] = msgspec.structs.replace(previous, **_merge_fields(previous, choice, ()))
    return tuple(by_name.values())


def _with_ids(item: MainSchema, kind: str) -> MainSchema:
    """Give the kind and each of its elements an id if they have none yet."""
    attrs = tuple(
        a if a.id else msgspec.structs.replace(a, id=stable_id(kind, "attribute", a.name)) for a in item.attributes
    )
    rels = tuple(
        r if r.id else msgspec.structs.replace(r, id=stable_id(kind, "relationship", r.name))
        for r in item.relationships
    )
    return msgspec.structs.replace(item, id=item.id or stable_id("kind", kind), attributes=attrs, relationships=rels)
