"""Resolution: identifiers, inheritance, hierarchy, profiles, templates, defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strata_schema import GenericSchema, LoadOutcome, NodeSchema, ProfileSchema, TemplateSchema

from .conftest import doc, node

Loader = Callable[..., LoadOutcome]

ANIMALS = doc(
    generics=[{
        "name": "Animal", "namespace": "Test", "human_friendly_id": ["owner__name__value", "name__value"],
        "uniqueness_constraints": [["owner", "name__value"]], "display_label": "name__value",
        "attributes": [{"name": "name", "kind": "Text"}, {"name": "weight", "kind": "Number", "optional": True}],
        "relationships": [{"name": "owner", "peer": "TestPerson", "cardinality": "one", "optional": False,
                           "identifier": "person__animal", "direction": "outbound"}],
    }],
    nodes=[
        node("Dog", inherit_from=["TestAnimal"], generate_template=True,
             attributes=[{"name": "breed", "kind": "Text"}, {"name": "color", "kind": "Color", "default_value": "#444444"}]),
        node("Person", relationships=[
            {"name": "animals", "peer": "TestAnimal", "identifier": "person__animal", "direction": "inbound"},
            {"name": "tags", "peer": "BuiltinTag", "cardinality": "many", "kind": "Attribute"},
        ]),
    ],
)


def test_default_identifier_is_both_kinds_sorted_lowercased_and_shared(load_one: Loader) -> None:
    schema = load_one(doc(nodes=[
        node("Site", relationships=[{"name": "devices", "peer": "TestDevice", "cardinality": "many"}]),
        node("Device", relationships=[{"name": "site", "peer": "TestSite", "cardinality": "one"}]),
    ])).new_schema
    site, device = schema.nodes["TestSite"], schema.nodes["TestDevice"]
    assert site.relationship("devices").identifier == "testdevice__testsite"  # type: ignore[union-attr]
    assert device.relationship("site").identifier == "testdevice__testsite"  # type: ignore[union-attr]


def test_inheritance_flattens_and_marks_inherited(load_one: Loader) -> None:
    schema = load_one(ANIMALS).new_schema
    dog = schema.nodes["TestDog"]
    assert [(a.name, a.inherited) for a in dog.attributes] == [
        ("breed", False), ("color", False), ("name", True), ("weight", True)]
    owner = dog.relationship("owner")
    assert owner is not None and owner.inherited and owner.identifier == "person__animal"
    assert dog.human_friendly_id == ("owner__name__value", "name__value")  # inherited from the generic
    assert dog.display_label == "name__value" and dog.display_labels == ("name__value",)


def test_generics_list_their_users(load_one: Loader) -> None:
    schema = load_one(ANIMALS).new_schema
    assert schema.generics["TestAnimal"].used_by == ("TestDog",)
    core_node = schema.generics["CoreNode"]
    assert {"TestDog", "TestPerson", "ProfileTestDog", "TemplateTestDog"} <= set(core_node.used_by)


def test_default_value_makes_attribute_optional_and_one_cardinality_counts(load_one: Loader) -> None:
    dog = load_one(ANIMALS).new_schema.nodes["TestDog"]
    color = dog.attribute("color")
    assert color is not None and color.optional and color.default_value == "#444444"
    owner = dog.relationship("owner")
    assert owner is not None and (owner.min_count, owner.max_count) == (1, 1)


def test_system_relationships_labels_weights_and_branch(load_one: Loader) -> None:
    person = load_one(ANIMALS).new_schema.nodes["TestPerson"]
    names = {r.name: r for r in person.relationships}
    assert names["member_of_groups"].identifier == "group_member"
    assert names["subscriber_of_groups"].peer == "CoreGroup"
    assert names["profiles"].identifier == "node__profile" and names["profiles"].kind == "Profile"
    attr = person.attribute("name")
    assert attr is not None and attr.label == "Name" and attr.order_weight == 1000 and attr.branch == "aware"
    assert all(r.order_weight and r.label and r.on_delete == "no-action" for r in person.relationships)


def test_unique_attribute_gives_hfid_and_uniqueness_constraint(load_one: Loader) -> None:
    person = load_one(ANIMALS).new_schema.nodes["TestPerson"]
    assert person.human_friendly_id == ("name__value",)
    assert person.uniqueness_constraints == (("name__value",),)


def test_profiles_are_generated(load_one: Loader) -> None:
    schema = load_one(ANIMALS).new_schema
    profile = schema.profiles["ProfileTestDog"]
    assert isinstance(profile, ProfileSchema)
    assert [a.name for a in profile.attributes][:2] == ["profile_name", "profile_priority"]
    assert profile.attribute("color") is not None and profile.attribute("breed") is None  # only optional ones
    assert profile.relationship("related_nodes") is not None
    tags = schema.profiles["ProfileTestPerson"].relationship("tags")
    assert tags is not None and tags.peer == "BuiltinTag"
    assert "ProfileTestDog" in schema.generics["CoreProfile"].used_by


def test_generate_profile_false_skips_profile(load_one: Loader) -> None:
    schema = load_one(doc(nodes=[node("Thing", generate_profile=False)])).new_schema
    assert "ProfileTestThing" not in schema.profiles


def test_templates_are_generated(load_one: Loader) -> None:
    schema = load_one(ANIMALS).new_schema
    template = schema.templates["TemplateTestDog"]
    assert isinstance(template, TemplateSchema)
    assert template.attribute("template_name") is not None
    owner = template.relationship("owner")
    assert owner is not None and owner.identifier == "template_person__animal" and owner.optional
    rel = schema.nodes["TestDog"].relationship("object_template")
    assert rel is not None and rel.peer == "TemplateTestDog"


HIERARCHY = doc(
    generics=[{"name": "Location", "namespace": "Test", "hierarchical": True,
               "attributes": [{"name": "name", "kind": "Text", "unique": True}]}],
    nodes=[
        {"name": "Country", "namespace": "Test", "inherit_from": ["TestLocation"], "children": "TestSite"},
        {"name": "Site", "namespace": "Test", "inherit_from": ["TestLocation"], "parent": "TestCountry",
         "children": "TestLocation"},
    ],
)


def test_hierarchy_adds_parent_and_children(load_one: Loader) -> None:
    schema = load_one(HIERARCHY).new_schema
    generic = schema.generics["TestLocation"]
    assert isinstance(generic, GenericSchema)
    assert {r.name: r.peer for r in generic.relationships if r.kind == "Hierarchy"} == {
        "parent": "TestLocation", "children": "TestLocation"}
    site = schema.nodes["TestSite"]
    assert isinstance(site, NodeSchema)
    assert (site.hierarchy, site.parent, site.children) == ("TestLocation", "TestCountry", "TestLocation")
    parent = site.relationship("parent")
    assert parent is not None and parent.peer == "TestCountry" and not parent.optional
    assert parent.direction == "outbound" and parent.identifier == "parent__child"
    country = schema.nodes["TestCountry"]
    parent_c = country.relationship("parent")
    assert parent_c is not None and parent_c.optional and parent_c.peer == "TestLocation"


def test_branch_support_of_relationship_follows_both_sides(load_one: Loader) -> None:
    schema = load_one(doc(nodes=[
        node("Local", branch="local", relationships=[{"name": "tags", "peer": "BuiltinTag"}]),
        node("Agnostic", branch="agnostic", relationships=[{"name": "tags", "peer": "BuiltinTag"}]),
    ])).new_schema
    assert schema.nodes["TestLocal"].relationship("tags").branch == "local"  # type: ignore[union-attr]
    assert schema.nodes["TestAgnostic"].relationship("tags").branch == "aware"  # type: ignore[union-attr]
    assert schema.nodes["TestAgnostic"].attribute("name").branch == "agnostic"  # type: ignore[union-attr]


def test_dropdown_choices_get_labels_and_colors(load_one: Loader) -> None:
    attrs: list[dict[str, Any]] = [{"name": "status", "kind": "Dropdown", "choices": [
        {"name": "in_use"}, {"name": "spare", "color": "#123456"}]}]
    thing = load_one(doc(nodes=[node("Thing", attributes=attrs)])).new_schema.nodes["TestThing"]
    choices = thing.attribute("status").choices  # type: ignore[union-attr]
    assert choices is not None
    assert [c.label for c in choices] == ["In Use", "Spare"]
    assert all(c.color for c in choices) and choices[1].color == "#123456"


def test_component_relationship_cascades(load_one: Loader) -> None:
    schema = load_one(doc(nodes=[
        node("Box", relationships=[{"name": "parts", "peer": "TestPart", "kind": "Component"}]),
        node("Part", relationships=[{"name": "box", "peer": "TestBox", "kind": "Parent", "cardinality": "one",
                                     "optional": False}]),
    ])).new_schema
    assert schema.nodes["TestBox"].relationship("parts").on_delete == "cascade"  # type: ignore[union-attr]
    assert schema.nodes["TestPart"].relationship("box").on_delete == "no-action"  # type: ignore[union-attr]
