"""Would the objects already stored break under the new schema? Pure checks over a `DataProbe`.

The probe answers questions about the current data (under the current kind and field names);
these functions decide, from a `MigrationPlan`, which changes the data refuses and name the
offending object ids. Changes Infrahub migrates (a new attribute with a default, renames)
stay in the plan's migrations and are not refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import msgspec

from .errors import SchemaError
from .migrations import Constraint, MigrationPlan
from .model import AttributeSchema, GenericSchema, NodeSchema, RelationshipSchema
from .values import value_error

__all__ = ["DataProbe", "DataRefusal", "check_data"]

_MAX_IDS = 50


class DataProbe(Protocol):
    """Read-only questions about the stored objects of a branch."""

    def count_objects(self, kind: str) -> int:
        """How many objects of `kind` exist."""
        ...

    def object_ids(self, kind: str, limit: int) -> list[str]:
        """Up to `limit` ids of objects of `kind`."""
        ...

    def objects_missing(self, kind: str, field: str) -> list[str]:
        """Ids of objects with no value for attribute `field` (or no peer for relationship `field`)."""
        ...

    def duplicate_values(self, kind: str, fields: Sequence[str]) -> list[list[str]]:
        """Groups of ids sharing the same values for the schema paths `fields` (e.g. `name__value`)."""
        ...

    def attribute_values(self, kind: str, attribute: str) -> Iterable[tuple[str, Any]]:
        """`(object id, value)` for every object of `kind` that has a value for `attribute`."""
        ...

    def peer_counts(self, kind: str, relationship: str) -> Iterable[tuple[str, int]]:
        """`(object id, number of peers)` for every object of `kind` over `relationship`."""
        ...


class DataRefusal(msgspec.Struct, frozen=True, kw_only=True):
    """A change the stored data does not allow, with the objects that stand in the way."""

    constraint: str
    kind: str
    field: str | None
    reason: str
    object_ids: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, ...], ...] = ()

    def to_error(self) -> SchemaError:
        loc: tuple[str | int, ...] = (self.field,) if self.field else ()
        return SchemaError(code="schema.data_conflict", reason=self.reason, kind=self.kind, loc=loc,
                           input=list(self.object_ids) or [list(g) for g in self.duplicates])


def _refusal(
    c: Constraint, reason: str, ids: Sequence[str] = (), groups: Sequence[Sequence[str]] = ()
) -> DataRefusal:
    return DataRefusal(constraint=c.name, kind=c.kind, field=c.field, reason=reason,
                       object_ids=tuple(ids[:_MAX_IDS]), duplicates=tuple(tuple(g) for g in groups[:_MAX_IDS]))


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:10])
    return shown + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")


def check_data(
    plan: MigrationPlan,
    old: Mapping[str, NodeSchema | GenericSchema],
    new: Mapping[str, NodeSchema | GenericSchema],
    probe: DataProbe,
) -> list[DataRefusal]:
    """Every refusal the current data causes for `plan` (empty when the change can go ahead)."""
    refusals: list[DataRefusal] = []
    seen: set[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]] = set()
    for constraint in plan.constraints:
        refusal = _check(constraint, old, new, probe)
        if refusal is None:
            continue
        # One change can trip several rules at once (cardinality and max_count, unique and
        # a uniqueness constraint): report the same objects once.
        key = (refusal.kind, tuple(sorted(refusal.object_ids)), refusal.duplicates)
        if key not in seen:
            seen.add(key)
            refusals.append(refusal)
    return refusals


def _check(
    c: Constraint,
    old: Mapping[str, NodeSchema | GenericSchema],
    new: Mapping[str, NodeSchema | GenericSchema],
    probe: DataProbe,
) -> DataRefusal | None:
    data_kind = c.previous_kind or c.kind
    data_field = c.previous_field or c.field
    after = new.get(c.kind)
    before = old.get(data_kind)

    if c.name == "node.remove":
        ids = probe.object_ids(data_kind, _MAX_IDS)
        return _refusal(c, f"{c.kind} cannot be removed: objects still use it: {_ids(ids)}", ids) if ids else None
    if after is None or data_field is None and c.name != "node.uniqueness_constraints.update":
        return _node_level(c, after, probe)
    if c.name == "node.uniqueness_constraints.update":
        return _uniqueness(c, before, after, data_kind, probe)
    attr = after.attribute(c.field or "")
    if attr is not None and data_field is not None:
        return _attribute(c, attr, data_kind, data_field, probe)
    rel = after.relationship(c.field or "")
    if rel is not None and data_field is not None:
        return _relationship(c, rel, data_kind, data_field, probe)
    return None


def _node_level(c: Constraint, after: NodeSchema | GenericSchema | None, probe: DataProbe) -> DataRefusal | None:
    if c.name == "node.generate_profile.update" and after is not None and not after.generate_profile:
        profile_kind = f"Profile{c.previous_kind or c.kind}"
        ids = probe.object_ids(profile_kind, _MAX_IDS)
        if ids:
            return _refusal(c, f"profiles of {c.kind} still exist: {_ids(ids)}", ids)
    return None


def _uniqueness(
    c: Constraint, before: Any, after: NodeSchema | GenericSchema, data_kind: str, probe: DataProbe
) -> DataRefusal | None:
    known = {tuple(x) for x in (before.uniqueness_constraints or ())} if before is not None else set()
    for constraint in after.uniqueness_constraints or ():
        if tuple(constraint) in known:
            continue
        groups = probe.duplicate_values(data_kind, list(constraint))
        if groups:
            flat = [i for g in groups for i in g]
            return _refusal(c,
                f"existing objects of {c.kind} are not unique for {list(constraint)}: {_ids(flat)}", flat, groups
            )
    return None


def _attribute(
    c: Constraint, attr: AttributeSchema, data_kind: str, data_field: str, probe: DataProbe
) -> DataRefusal | None:
    if c.name == "node.attribute.add":
        count = probe.count_objects(data_kind)
        if not attr.optional and count:
            ids = probe.object_ids(data_kind, _MAX_IDS)
            return _refusal(c,
                f"new mandatory attribute {attr.name!r} has no default value and {count} object(s) of "
                f"{c.kind} exist: {_ids(ids)}", ids)
        if attr.unique and count > 1 and attr.default_value is not None:
            ids = probe.object_ids(data_kind, _MAX_IDS)
            return _refusal(c, f"new unique attribute {attr.name!r} would give {count} objects the same default", ids)
        return None
    if c.name == "attribute.optional.update" and not attr.optional:
        ids = probe.objects_missing(data_kind, data_field)
        if ids:
            return _refusal(c, f"{c.kind}.{attr.name} becomes mandatory but objects have no value: {_ids(ids)}", ids)
        return None
    if c.name == "attribute.unique.update" and attr.unique:
        groups = probe.duplicate_values(data_kind, [f"{data_field}__value"])
        if groups:
            flat = [i for g in groups for i in g]
            return _refusal(c, f"{c.kind}.{attr.name} becomes unique but values repeat: {_ids(flat)}", flat, groups)
        return None
    if c.name in {f"attribute.{p}.update" for p in ("kind", "enum", "choices", "regex", "min_length", "max_length", "parameters")}:
        bad = [oid for oid, value in probe.attribute_values(data_kind, data_field) if value_error(attr, value)]
        if bad:
            return _refusal(c, f"values of {c.kind}.{attr.name} do not fit the new definition: {_ids(bad)}", bad)
    return None


def _relationship(
    c: Constraint, rel: RelationshipSchema, data_kind: str, data_field: str, probe: DataProbe
) -> DataRefusal | None:
    if c.name in ("node.relationship.add", "relationship.optional.update") and not rel.optional:
        ids = probe.objects_missing(data_kind, data_field)
        if ids:
            return _refusal(c, f"{c.kind}.{rel.name} becomes mandatory but objects have no peer: {_ids(ids)}", ids)
        return None
    if c.name == "relationship.peer.update":
        ids = [oid for oid, n in probe.peer_counts(data_kind, data_field) if n > 0]
        if ids:
            return _refusal(c, f"{c.kind}.{rel.name} changes peer but objects have peers: {_ids(ids)}", ids)
        return None
    if c.name in ("relationship.cardinality.update", "relationship.min_count.update", "relationship.max_count.update"):
        high = 1 if rel.cardinality == "one" else rel.max_count
        bad = [oid for oid, n in probe.peer_counts(data_kind, data_field)
               if (high and n > high) or (n and n < rel.min_count)]
        if bad:
            return _refusal(c, f"{c.kind}.{rel.name}: objects have a number of peers outside the new limits: {_ids(bad)}", bad)
    return None
