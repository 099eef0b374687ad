"""Data-breaking checks over a probe of the stored objects: refusals name the offending ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from strata_schema import BranchSchema, DataRefusal, LoadOutcome, check_data

from .conftest import doc, node

Loader = Callable[..., LoadOutcome]


class FakeProbe:
    """Objects per kind: id -> {field: value}; a relationship value is a list of peer ids."""

    def __init__(self, objects: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.objects = objects

    def count_objects(self, kind: str) -> int:
        return len(self.objects.get(kind, {}))

    def object_ids(self, kind: str, limit: int) -> list[str]:
        return sorted(self.objects.get(kind, {}))[:limit]

    def objects_missing(self, kind: str, field: str) -> list[str]:
        return sorted(i for i, o in self.objects.get(kind, {}).items() if o.get(field) in (None, []))

    def duplicate_values(self, kind: str, fields: Sequence[str]) -> list[list[str]]:
        groups: dict[tuple[Any, ...], list[str]] = {}
        for oid, obj in sorted(self.objects.get(kind, {}).items()):
            key = tuple(str(obj.get(f.removesuffix("__value"))) for f in fields)
            groups.setdefault(key, []).append(oid)
        return [ids for ids in groups.values() if len(ids) > 1]

    def attribute_values(self, kind: str, attribute: str) -> Iterable[tuple[str, Any]]:
        return [(i, o[attribute]) for i, o in sorted(self.objects.get(kind, {}).items()) if o.get(attribute) is not None]

    def peer_counts(self, kind: str, relationship: str) -> Iterable[tuple[str, int]]:
        return [(i, len(o.get(relationship) or [])) for i, o in sorted(self.objects.get(kind, {}).items())]


BASE = doc(nodes=[node("Thing", attributes=[
    {"name": "name", "kind": "Text"},
    {"name": "code", "kind": "Text", "optional": True},
    {"name": "mode", "kind": "Text", "optional": True},
], relationships=[{"name": "tags", "peer": "BuiltinTag", "cardinality": "many"}]), node("Other")])
DATA: dict[str, dict[str, dict[str, Any]]] = {
    "TestThing": {
        "t1": {"name": "a", "code": "x1", "mode": "fast", "tags": ["g1"]},
        "t2": {"name": "a", "code": None, "mode": "slow", "tags": []},
        "t3": {"name": "b", "code": "x3", "mode": "fast", "tags": ["g1", "g2"]},
    },
    "TestOther": {"o1": {"name": "z"}},
}


def refusals_for(load_one: Loader, change: dict[str, Any], data: dict[str, Any] = DATA) -> tuple[LoadOutcome, list[DataRefusal]]:
    first: BranchSchema = load_one(BASE).new_schema
    out = load_one(change, on=first)
    return out, check_data(out.plan, first.main, out.new_schema.main, FakeProbe(data))


def test_new_mandatory_attribute_without_default_is_refused_with_ids(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[{"name": "serial", "kind": "Text"}])]))
    [refusal] = refusals
    assert refusal.constraint == "node.attribute.add" and refusal.field == "serial"
    assert refusal.object_ids == ("t1", "t2", "t3")
    assert refusal.to_error().code == "schema.data_conflict"


def test_new_mandatory_attribute_without_default_is_fine_without_objects(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[{"name": "serial", "kind": "Text"}])]),
                               data={})
    assert refusals == []


def test_new_attribute_with_default_is_migrated_not_refused(load_one: Loader) -> None:
    out, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[
        {"name": "serial", "kind": "Text", "default_value": "none"}])]))
    assert refusals == []
    assert [(m.name, m.default_value) for m in out.plan.migrations] == [("node.attribute.add", "none")]


def test_new_uniqueness_constraint_violated_by_current_objects(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[], uniqueness_constraints=[["name__value"]])]))
    [refusal] = refusals
    assert refusal.constraint == "node.uniqueness_constraints.update"
    assert refusal.duplicates == (("t1", "t2"),) and set(refusal.object_ids) == {"t1", "t2"}


def test_attribute_becoming_unique_with_repeated_values(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[
        {"name": "mode", "kind": "Text", "optional": True, "unique": True}])]))
    assert ("t1", "t3") in {d for r in refusals for d in r.duplicates}


def test_removed_kind_still_in_use_is_refused(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[{"name": "Other", "namespace": "Test", "state": "absent"}]))
    assert [(r.constraint, r.kind, r.object_ids) for r in refusals] == [("node.remove", "TestOther", ("o1",))]


def test_attribute_becoming_mandatory_with_missing_values(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[{"name": "code", "kind": "Text"}])]))
    assert [(r.constraint, r.object_ids) for r in refusals] == [("attribute.optional.update", ("t2",))]


def test_tighter_regex_or_enum_is_checked_against_values(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[
        {"name": "mode", "kind": "Text", "optional": True, "enum": ["fast"]},
        {"name": "code", "kind": "Text", "optional": True, "regex": "^x1$"}])]))
    assert {(r.constraint, r.object_ids) for r in refusals} == {
        ("attribute.enum.update", ("t2",)), ("attribute.regex.update", ("t3",))}


def test_relationship_becoming_mandatory_or_limited(load_one: Loader) -> None:
    _, refusals = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[], relationships=[
        {"name": "tags", "peer": "BuiltinTag", "cardinality": "many", "optional": False, "max_count": 0}])]))
    assert [(r.constraint, r.object_ids) for r in refusals] == [("relationship.optional.update", ("t2",))]
    _, limited = refusals_for(load_one, doc(nodes=[node("Thing", attributes=[], relationships=[
        {"name": "tags", "peer": "BuiltinTag", "cardinality": "one"}])]))
    assert [(r.constraint, r.object_ids) for r in limited] == [("relationship.cardinality.update", ("t3",))]


def test_renamed_attribute_is_probed_under_its_old_name(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    attr_id = first.nodes["TestThing"].attribute("code").id  # type: ignore[union-attr]
    out = load_one(doc(nodes=[node("Thing", attributes=[{"id": attr_id, "name": "serial", "kind": "Text"}])]), on=first)
    refusals = check_data(out.plan, first.main, out.new_schema.main, FakeProbe(DATA))
    assert [(r.constraint, r.field, r.object_ids) for r in refusals] == [("attribute.optional.update", "serial", ("t2",))]
    assert "attribute.name.update" in [m.name for m in out.plan.migrations]
