"""Semantic validation: references, paths, identifiers, counts; errors carry file, kind and path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from strata_schema import LoadOutcome, SchemaError, SchemaValidationError

from .conftest import doc, node

Loader = Callable[..., LoadOutcome]


def refused(load_one: Loader, *documents: dict[str, Any]) -> list[SchemaError]:
    with pytest.raises(SchemaValidationError) as caught:
        load_one(*documents)
    return list(caught.value.errors)


def where(errors: list[SchemaError]) -> set[tuple[str | None, str | None, str, str]]:
    return {(e.file, e.kind, e.path, e.code) for e in errors}


def test_unknown_peer(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Alpha"), node("Device", relationships=[
        {"name": "site", "peer": "TestNowhere", "cardinality": "one"}])]))
    assert where(errors) == {("file0.yml", "TestDevice", "nodes[1].relationships[0].peer", "schema.unknown_kind")}
    assert "TestNowhere" in errors[0].reason


def test_inherit_from_must_name_a_generic(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Base"), node("Device", inherit_from=["TestMissing", "TestBase"])]))
    assert where(errors) == {
        ("file0.yml", "TestDevice", "nodes[1].inherit_from[0]", "schema.unknown_kind"),
        ("file0.yml", "TestDevice", "nodes[1].inherit_from[1]", "schema.not_a_generic"),
    }


def test_paths_must_lead_to_attributes_or_relationships(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node(
        "Device",
        human_friendly_id=["name__value", "nope__value"],
        order_by=["name__colour"],
        uniqueness_constraints=[["name__value"], ["tags"]],
        display_labels=["missing"],
        relationships=[{"name": "tags", "peer": "BuiltinTag", "cardinality": "many"}],
    )]))
    assert where(errors) == {
        ("file0.yml", "TestDevice", "nodes[0].human_friendly_id[1]", "schema.invalid_path"),
        ("file0.yml", "TestDevice", "nodes[0].order_by[0]", "schema.invalid_path"),
        ("file0.yml", "TestDevice", "nodes[0].uniqueness_constraints[1]", "schema.invalid_path"),
        ("file0.yml", "TestDevice", "nodes[0].display_labels[0]", "schema.invalid_path"),
    }


def test_hfid_through_an_optional_relationship_is_refused(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[
        node("Site"),
        node("Device", human_friendly_id=["site__name__value"],
             relationships=[{"name": "site", "peer": "TestSite", "cardinality": "one"}]),
    ]))
    assert "must be mandatory" in errors[0].reason


def test_identifier_used_twice_in_one_direction(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Device", relationships=[
        {"name": "first", "peer": "BuiltinTag", "identifier": "same_id"},
        {"name": "second", "peer": "BuiltinTag", "identifier": "same_id"},
    ])]))
    assert where(errors) == {("file0.yml", "TestDevice", "nodes[0].relationships[1].identifier", "schema.identifier")}


def test_directions_must_agree_across_an_identifier(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[
        node("Site", relationships=[{"name": "devices", "peer": "TestDevice", "identifier": "x_y", "direction": "outbound"}]),
        node("Device", relationships=[{"name": "site", "peer": "TestSite", "identifier": "x_y", "cardinality": "one"}]),
    ]))
    assert {e.code for e in errors} == {"schema.identifier"}


def test_parent_relationship_must_be_one_and_mandatory(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Box"), node("Part", relationships=[
        {"name": "box", "peer": "TestBox", "kind": "Parent", "cardinality": "many"}])]))
    assert where(errors) == {("file0.yml", "TestPart", "nodes[1].relationships[0].kind", "schema.parent_component")}


def test_parent_component_cycle(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[
        node("Alpha", relationships=[{"name": "betas", "peer": "TestBeta", "kind": "Component"}]),
        node("Beta", relationships=[{"name": "alphas", "peer": "TestAlpha", "kind": "Component"}]),
    ]))
    assert [e.code for e in errors] == ["schema.parent_component"]
    assert "cycle" in errors[0].reason


def test_cardinality_and_counts(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Device", relationships=[
        {"name": "tags", "peer": "BuiltinTag", "cardinality": "many", "max_count": 1}])]))
    assert where(errors) == {("file0.yml", "TestDevice", "nodes[0].relationships[0].max_count", "schema.cardinality")}


def test_default_value_must_fit_the_attribute(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Device", attributes=[
        {"name": "name", "kind": "Text"},
        {"name": "mtu", "kind": "Number", "default_value": "big"},
        {"name": "status", "kind": "Dropdown", "default_value": "gone", "choices": [{"name": "up"}]},
        {"name": "mode", "kind": "Text", "default_value": "x", "enum": ["a", "b"]},
    ])]))
    assert {e.path for e in errors} == {
        "nodes[0].attributes[1].default_value", "nodes[0].attributes[2].default_value",
        "nodes[0].attributes[3].default_value",
    }


def test_reserved_and_duplicate_names(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Device", attributes=[
        {"name": "name", "kind": "Text"}, {"name": "save", "kind": "Text"}],
        relationships=[{"name": "name", "peer": "BuiltinTag"}])]))
    assert {(e.path, e.code) for e in errors} == {
        ("nodes[0].attributes[1].name", "schema.reserved_name"),
        ("nodes[0].relationships[0].name", "schema.duplicate"),
    }


def test_menu_placement_must_exist(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Device", menu_placement="TestNowhere")]))
    assert where(errors) == {("file0.yml", "TestDevice", "nodes[0].menu_placement", "schema.unknown_kind")}


def test_parent_needs_a_hierarchical_generic(load_one: Loader) -> None:
    errors = refused(load_one, doc(nodes=[node("Device", parent="BuiltinTag")]))
    assert where(errors) == {("file0.yml", "TestDevice", "nodes[0].parent", "schema.hierarchy")}


def test_attribute_override_must_keep_kind(load_one: Loader) -> None:
    errors = refused(load_one, doc(
        generics=[{"name": "Thing", "namespace": "Test", "attributes": [{"name": "size", "kind": "Number"}]}],
        nodes=[node("Device", inherit_from=["TestThing"], attributes=[{"name": "size", "kind": "Text"}])],
    ))
    assert where(errors) == {("file0.yml", "TestDevice", "nodes[0].attributes[0].kind", "schema.inheritance")}


def test_all_errors_are_collected_across_files(load_one: Loader) -> None:
    errors = refused(
        load_one,
        doc(nodes=[node("Device", relationships=[{"name": "site", "peer": "TestGone"}])]),
        doc(nodes=[node("Rack", menu_placement="TestGone")]),
    )
    assert {(e.file, e.kind) for e in errors} == {("file0.yml", "TestDevice"), ("file1.yml", "TestRack")}


def test_extension_of_unknown_kind(load_one: Loader) -> None:
    errors = refused(load_one, doc(extensions={"nodes": [{"kind": "TestNothing", "attributes": [
        {"name": "speed", "kind": "Number"}]}]}))
    assert where(errors) == {("file0.yml", "TestNothing", "extensions.nodes[0].kind", "schema.unknown_kind")}
