"""Schema diff (the `POST /api/schema/check` shape) and the migrations a change needs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from strata_schema import LoadOutcome, SchemaValidationError, diff_schemas

from .conftest import doc, node

Loader = Callable[..., LoadOutcome]

BASE = doc(nodes=[node("Thing", attributes=[
    {"name": "name", "kind": "Text", "unique": True},
    {"name": "size", "kind": "Number", "optional": True},
]), node("Other")])


def test_diff_shape_for_added_changed_removed(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    out = load_one(doc(nodes=[
        node("Thing", attributes=[
            {"name": "name", "kind": "Text", "unique": True, "description": "The name"},
            {"name": "size", "kind": "Number", "state": "absent"},
            {"name": "color", "kind": "Color", "optional": True},
        ]),
        {"name": "Other", "namespace": "Test", "state": "absent"},
        node("New"),
    ]), on=first)
    api = out.diff.to_api_dict()
    assert api["added"] == {"TestNew": {"added": {}, "changed": {}, "removed": {}}}
    assert api["removed"] == {"TestOther": {"added": {}, "changed": {}, "removed": {}}}
    assert api["changed"]["TestThing"] == {"added": {}, "removed": {}, "changed": {"attributes": {
        "added": {"color": None},
        "changed": {"name": {"added": {}, "changed": {"description": None}, "removed": {}}},
        "removed": {"size": None},
    }}}
    assert diff_schemas(first, out.new_schema) == out.diff


def test_node_property_change_is_listed(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    out = load_one(doc(nodes=[node("Thing", icon="mdi:cube")]), on=first)
    assert out.diff.changed["TestThing"].changed == ("icon",)
    assert out.plan.migrations == () and out.plan.constraints == ()


def test_new_attribute_with_default_is_a_backfill_migration(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    out = load_one(doc(nodes=[node("Thing", attributes=[
        {"name": "mtu", "kind": "Number", "default_value": 1500}])]), on=first)
    [migration] = out.plan.migrations
    assert (migration.name, migration.kind, migration.field, migration.default_value) == (
        "node.attribute.add", "TestThing", "mtu", 1500)
    assert out.plan.constraints == ()


def test_new_mandatory_attribute_without_default_needs_a_data_check(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    out = load_one(doc(nodes=[node("Thing", attributes=[{"name": "serial", "kind": "Text"}])]), on=first)
    assert [(c.name, c.field) for c in out.plan.constraints] == [("node.attribute.add", "serial")]


def test_removing_attribute_and_kind_are_migrations(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    out = load_one(doc(nodes=[
        {"name": "Thing", "namespace": "Test", "attributes": [{"name": "size", "kind": "Number", "state": "absent"}]},
        {"name": "Other", "namespace": "Test", "state": "absent"},
    ]), on=first)
    assert {(m.name, m.kind, m.field) for m in out.plan.migrations} == {
        ("node.attribute.remove", "TestThing", "size"), ("node.remove", "TestOther", None)}


def test_constraint_changes_are_listed(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    out = load_one(doc(nodes=[node("Thing", attributes=[
        {"name": "name", "kind": "Text", "unique": True, "regex": "^[a-z]+$"},
        {"name": "size", "kind": "Number", "optional": False},
    ])]), on=first)
    assert {(c.name, c.field) for c in out.plan.constraints} >= {
        ("attribute.regex.update", "name"), ("attribute.optional.update", "size")}


def test_branch_support_change_is_refused(load_one: Loader) -> None:
    first = load_one(BASE).new_schema
    with pytest.raises(SchemaValidationError) as caught:
        load_one(doc(nodes=[node("Thing", branch="agnostic")]), on=first)
    codes = {(e.code, e.kind, e.file) for e in caught.value.errors}
    assert ("schema.update_not_supported", "TestThing", "file0.yml") in codes


def test_generic_change_flows_to_its_nodes(load_one: Loader) -> None:
    generic = {"name": "Base", "namespace": "Test", "attributes": [{"name": "name", "kind": "Text"}]}
    first = load_one(doc(generics=[generic], nodes=[node("Thing", inherit_from=["TestBase"], attributes=[])])).new_schema
    generic2 = {**generic, "attributes": [{"name": "name", "kind": "Text"}, {"name": "note", "kind": "Text", "optional": True}]}
    out = load_one(doc(generics=[generic2]), on=first)
    assert out.diff.changed["TestThing"].attributes.added == ("note",)
    assert [(m.name, m.kind) for m in out.plan.migrations] == [("node.attribute.add", "TestThing")]
