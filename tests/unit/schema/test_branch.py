"""BranchSchema: core kinds, loading the shared base schemas, hashing, storage and the API shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strata_schema import BranchSchema, LoadOutcome, NodeSchema, load

from .conftest import doc, node

Loader = Callable[..., LoadOutcome]

CORE_KINDS = {
    "BuiltinTag", "CoreNode", "CoreGroup", "CoreStandardGroup", "CoreAccount", "CoreProposedChange",
    "BuiltinIPNamespace", "BuiltinIPPrefix", "BuiltinIPAddress", "IpamNamespace", "CoreArtifactTarget",
    "CoreGenericRepository", "CoreRepository", "CoreProfile", "LineageOwner", "LineageSource",
    "CoreGraphQLQuery", "CoreArtifact", "CoreArtifactDefinition", "CoreIPAddressPool", "CoreObjectTemplate",
}
# Keys infrahub-sdk 1.23.2's read models declare, per entry type (kind and hash are computed).
SDK_KIND_KEYS = {
    "id", "state", "name", "namespace", "description", "label", "branch", "default_filter", "human_friendly_id",
    "display_label", "display_labels", "include_in_menu", "menu_placement", "icon", "order_by",
    "uniqueness_constraints", "documentation", "attributes", "relationships", "hash", "kind",
}
SDK_NODE_KEYS = SDK_KIND_KEYS | {"inherit_from", "generate_profile", "generate_template", "hierarchy", "parent", "children"}
SDK_GENERIC_KEYS = SDK_KIND_KEYS | {"hierarchical", "generate_profile", "used_by", "restricted_namespaces"}
SDK_ATTRIBUTE_KEYS = {
    "id", "name", "kind", "enum", "computed_attribute", "choices", "regex", "max_length", "min_length", "label",
    "description", "read_only", "unique", "optional", "branch", "order_weight", "ordered", "default_value",
    "inherited", "state", "allow_override", "deprecation", "display", "parameters",
}
SDK_RELATIONSHIP_KEYS = {
    "id", "name", "peer", "kind", "label", "description", "identifier", "cardinality", "min_count", "max_count",
    "common_parent", "common_relatives", "order_weight", "optional", "branch", "inherited", "direction",
    "hierarchical", "state", "on_delete", "allow_override", "read_only", "deprecation", "display",
}


def test_core_schema_has_the_kinds_the_sdk_uses(core: BranchSchema) -> None:
    assert CORE_KINDS <= set(core.kinds)
    assert {"ProfileBuiltinTag", "ProfileIpamNamespace"} <= set(core.profiles)
    ipam = core.nodes["IpamNamespace"]
    assert "BuiltinIPNamespace" in ipam.inherit_from


def test_the_four_base_schemas_load_together_unchanged(base: LoadOutcome) -> None:
    schema = base.new_schema
    assert {"DcimDevice", "InterfacePhysical", "IpamPrefix", "IpamIPAddress", "OrganizationManufacturer",
            "LocationGeneric", "LocationHosting"} <= set(schema.kinds)
    device = schema.nodes["DcimDevice"]
    assert device.attribute("rack_face").optional  # type: ignore[union-attr]  # default value
    sub = schema.nodes["InterfacePhysical"].relationship("sub_interfaces")
    virtual = schema.nodes["InterfaceVirtual"].relationship("parent_interface")
    assert sub is not None and virtual is not None and sub.identifier == virtual.identifier == "sub__interface"
    assert set(base.diff.added) >= {"DcimDevice", "IpamPrefix"}
    assert base.warnings == ()


def test_reloading_gives_empty_diff_and_same_hash(base: LoadOutcome, base_sources: list[tuple[str, Any]]) -> None:
    again = load(base.new_schema, base_sources)
    assert again.diff.empty
    assert again.diff.to_api_dict() == {"added": {}, "changed": {}, "removed": {}}
    assert again.new_schema.schema_hash == base.new_schema.schema_hash
    assert again.plan.migrations == ()


def test_loading_in_another_order_gives_the_same_hash(core: BranchSchema, base: LoadOutcome,
                                                       base_sources: list[tuple[str, Any]]) -> None:
    reordered = load(core, list(reversed(base_sources)))
    assert reordered.new_schema.schema_hash == base.new_schema.schema_hash


def test_hash_changes_with_content(base: LoadOutcome, load_one: Loader) -> None:
    changed = load_one(doc(nodes=[node("Extra")]), on=base.new_schema)
    assert changed.new_schema.schema_hash != base.new_schema.schema_hash
    assert len(changed.new_schema.schema_hash) == 32


def test_to_dict_from_dict_round_trip(base: LoadOutcome) -> None:
    stored = base.new_schema.to_dict()
    rebuilt = BranchSchema.from_dict(stored)
    assert rebuilt.schema_hash == base.new_schema.schema_hash == stored["hash"]
    assert rebuilt.to_api_dict() == base.new_schema.to_api_dict()


def test_api_dict_has_the_shape_the_sdk_parses(base: LoadOutcome) -> None:
    api = base.new_schema.to_api_dict()
    assert api["main"] == base.new_schema.schema_hash
    assert set(api) == {"main", "nodes", "generics", "profiles", "templates", "namespaces"}
    for entry in api["nodes"]:
        assert SDK_NODE_KEYS <= set(entry), entry["kind"]
        for attr in entry["attributes"]:
            assert SDK_ATTRIBUTE_KEYS <= set(attr)
        for rel in entry["relationships"]:
            assert SDK_RELATIONSHIP_KEYS <= set(rel)
            assert rel["identifier"]
    for entry in api["generics"]:
        assert SDK_GENERIC_KEYS <= set(entry)
    assert all("inherit_from" in p for p in api["profiles"])
    by_kind = {e["kind"]: e for e in api["nodes"]}
    site_rel = next(r for r in by_kind["IpamPrefix"]["relationships"] if r["name"] == "ip_namespace")
    assert site_rel["inherited"] is True
    generic = next(g for g in api["generics"] if g["kind"] == "DcimGenericDevice")
    assert generic["used_by"] == ["DcimDevice"]
    assert {"name": "Dcim", "user_editable": True} in api["namespaces"]


def test_api_dict_can_filter_namespaces(base: LoadOutcome) -> None:
    api = base.new_schema.to_api_dict(namespaces=["Dcim"])
    assert {e["namespace"] for e in api["nodes"] + api["generics"]} == {"Dcim"}


def test_state_absent_removes_a_kind_and_an_attribute(load_one: Loader) -> None:
    first = load_one(doc(nodes=[node("Thing", attributes=[
        {"name": "name", "kind": "Text"}, {"name": "size", "kind": "Number", "optional": True}]), node("Other")]))
    second = load_one(doc(nodes=[
        {"name": "Thing", "namespace": "Test", "attributes": [{"name": "size", "kind": "Number", "state": "absent"}]},
        {"name": "Other", "namespace": "Test", "state": "absent"},
    ]), on=first.new_schema)
    assert "TestOther" not in second.new_schema
    thing = second.new_schema.nodes["TestThing"]
    assert thing.attribute("size") is None and thing.attribute("name") is not None
    assert second.diff.removed == ("TestOther",)
    assert second.diff.changed["TestThing"].attributes.removed == ("size",)


def test_attributes_not_mentioned_are_kept(load_one: Loader) -> None:
    first = load_one(doc(nodes=[node("Thing", attributes=[
        {"name": "name", "kind": "Text"}, {"name": "size", "kind": "Number", "optional": True}])]))
    second = load_one(doc(nodes=[node("Thing", attributes=[{"name": "name", "kind": "Text"}])]), on=first.new_schema)
    assert second.new_schema.nodes["TestThing"].attribute("size") is not None
    assert second.diff.empty


def test_rename_attribute_by_id(load_one: Loader) -> None:
    first = load_one(doc(nodes=[node("Thing")])).new_schema
    attr_id = first.nodes["TestThing"].attribute("name").id  # type: ignore[union-attr]
    out = load_one(doc(nodes=[node("Thing", attributes=[{"id": attr_id, "name": "label", "kind": "Text"}])]), on=first)
    thing = out.new_schema.nodes["TestThing"]
    assert thing.attribute("name") is None and thing.attribute("label").id == attr_id  # type: ignore[union-attr]
    assert [m.name for m in out.plan.migrations] == ["attribute.name.update"]
    assert out.plan.migrations[0].previous_field == "name"


def test_rename_kind_by_id(load_one: Loader) -> None:
    first = load_one(doc(nodes=[node("Thing")])).new_schema
    kind_id = first.nodes["TestThing"].id
    out = load_one(doc(nodes=[node("Widget", id=kind_id)]), on=first)
    assert "TestThing" not in out.new_schema and "TestWidget" in out.new_schema
    assert out.diff.changed["TestWidget"].previous_kind == "TestThing"
    assert [(m.name, m.previous_kind) for m in out.plan.migrations] == [("node.name.update", "TestThing")]


def test_extension_adds_to_an_existing_kind(load_one: Loader) -> None:
    out = load_one(doc(extensions={"nodes": [{"kind": "BuiltinTag", "attributes": [
        {"name": "speed", "kind": "Number", "optional": True}]}]}))
    assert out.new_schema.nodes["BuiltinTag"].attribute("speed") is not None
    assert out.diff.changed["BuiltinTag"].attributes.added == ("speed",)


def test_definitions_keep_what_the_user_wrote(load_one: Loader) -> None:
    out = load_one(doc(nodes=[node("Thing")]))
    declared = out.new_schema.definitions["TestThing"]
    assert isinstance(declared, NodeSchema)
    assert declared.relationships == ()  # system relationships only appear once resolved
    assert out.new_schema.get("TestThing") is out.new_schema.nodes["TestThing"]


def test_read_only_fields_in_a_load_become_warnings(load_one: Loader) -> None:
    out = load_one(doc(nodes=[node("Thing", hash="abc", attributes=[
        {"name": "name", "kind": "Text", "inherited": False}])]))
    assert len(out.warnings) == 2
    assert "TestThing" in out.new_schema
