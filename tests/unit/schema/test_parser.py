"""Reading schema documents: every error names file, kind, path and reason."""

from __future__ import annotations

import pytest

from strata_schema import SchemaValidationError, parse_schema, parse_yaml, read_schema_documents

from .conftest import doc, node


def errors_of(document: object, name: str = "bad.yml") -> list[tuple[str | None, str | None, str, str]]:
    result = read_schema_documents([(name, document)])
    return [(e.file, e.kind, e.path, e.code) for e in result.errors]


def test_all_kinds_of_attribute_are_accepted() -> None:
    kinds = ["ID", "Text", "TextArea", "DateTime", "Email", "Password", "HashedPassword", "URL", "File",
             "MacAddress", "Color", "Number", "Bandwidth", "IPHost", "IPNetwork", "Boolean", "Checkbox",
             "List", "JSON", "Any"]
    attrs = [{"name": f"attr_{k.lower()}", "kind": k, "optional": True} for k in kinds]
    attrs.append({"name": "status", "kind": "Dropdown", "choices": [
        {"name": "up", "label": "Up", "description": "Running", "color": "#00ff00"}]})
    parsed = parse_schema("ok.yml", doc(nodes=[node("Thing", attributes=attrs)]))
    assert [a.kind for a in parsed.nodes[0].attributes][:len(kinds)] == kinds
    assert parsed.nodes[0].attributes[-1].choices is not None
    assert parsed.nodes[0].attributes[-1].choices[0].color == "#00ff00"


def test_unknown_attribute_kind_names_file_kind_and_path() -> None:
    bad = doc(nodes=[node("Alpha"), node("Beta"), node("Device", attributes=[{"name": "size", "kind": "Integer"}])])
    assert errors_of(bad) == [("bad.yml", "TestDevice", "nodes[2].attributes[0].kind", "schema.invalid_value")]


def test_unknown_fields_are_rejected_everywhere_and_all_reported() -> None:
    bad = doc(
        nodes=[node("Device", colour="red", attributes=[{"name": "name", "kind": "Text", "made_up": 1}],
                    relationships=[{"name": "site", "peer": "TestSite", "cardinalty": "one"}])],
        extensions={"nodes": [{"kind": "BuiltinTag", "namespace": "Forbidden"}]},
    )
    assert sorted(p for _, _, p, code in errors_of(bad) if code == "schema.unknown_field") == [
        "extensions.nodes[0].namespace",
        "nodes[0].attributes[0].made_up",
        "nodes[0].colour",
        "nodes[0].relationships[0].cardinalty",
    ]


def test_names_must_match_infrahub_rules() -> None:
    bad = doc(nodes=[node("device", namespace="TEST", attributes=[{"name": "Bad-Name", "kind": "Text"}],
                          relationships=[{"name": "ok_rel", "peer": "lower"}])])
    paths = {p for _, _, p, _ in errors_of(bad)}
    assert paths == {"nodes[0].name", "nodes[0].namespace", "nodes[0].attributes[0].name",
                     "nodes[0].relationships[0].peer"}


def test_missing_required_fields_are_reported() -> None:
    bad = {"nodes": [{"name": "Device", "attributes": [{"name": "size"}]}]}
    found = {(p, code) for _, _, p, code in errors_of(bad)}
    assert ("version", "schema.missing_field") in found
    assert ("nodes[0].namespace", "schema.missing_field") in found
    assert ("nodes[0].attributes[0].kind", "schema.missing_field") in found


def test_read_only_fields_are_warnings_not_errors() -> None:
    result = read_schema_documents([("r.yml", doc(
        generics=[{"name": "Thing", "namespace": "Test", "used_by": ["X"], "hash": "abc"}],
        nodes=[node("Device", attributes=[{"name": "name", "kind": "Text", "inherited": True}])],
    ))])
    assert result.errors == ()
    assert len(result.warnings) == 3
    assert all(w.type == "deprecation" for w in result.warnings)


def test_restricted_namespace_is_refused() -> None:
    assert errors_of(doc(nodes=[node("Thing", namespace="Core")])) == [
        ("bad.yml", "CoreThing", "nodes[0].namespace", "schema.restricted_namespace")
    ]


def test_unsupported_version_is_refused() -> None:
    bad = doc(nodes=[node("Thing")])
    bad["version"] = "2.0"
    assert errors_of(bad) == [("bad.yml", None, "version", "schema.unsupported_version")]


def test_dropdown_needs_valid_unique_choices() -> None:
    bad = doc(nodes=[node("Thing", attributes=[
        {"name": "status", "kind": "Dropdown"},
        {"name": "color", "kind": "Dropdown", "choices": [{"name": "a", "color": "red"}]},
        {"name": "mode", "kind": "Dropdown", "choices": [{"name": "a"}, {"name": "a"}]},
        {"name": "label", "kind": "Text", "choices": [{"name": "a"}]},
    ])])
    assert sorted((p, code) for _, _, p, code in errors_of(bad)) == [
        ("nodes[0].attributes[0].choices", "schema.invalid_value"),
        ("nodes[0].attributes[1].choices[0].color", "schema.invalid_value"),
        ("nodes[0].attributes[2].choices", "schema.duplicate"),
        ("nodes[0].attributes[3].choices", "schema.invalid_value"),
    ]


def test_regex_and_lengths_are_checked() -> None:
    bad = doc(nodes=[node("Thing", attributes=[
        {"name": "code", "kind": "Text", "regex": "([a-z"},
        {"name": "short", "kind": "Text", "min_length": 5, "max_length": 2},
        {"name": "size", "kind": "Number", "parameters": {"regex": "x"}},
    ])])
    assert sorted(p for _, _, p, _ in errors_of(bad)) == [
        "nodes[0].attributes[0].regex", "nodes[0].attributes[1].min_length",
        "nodes[0].attributes[2].parameters.regex",
    ]


def test_attribute_parameters_follow_the_kind() -> None:
    parsed = parse_schema("p.yml", doc(nodes=[node("Thing", attributes=[
        {"name": "code", "kind": "Text", "parameters": {"regex": "^[a-z]+$", "max_length": 8}},
        {"name": "size", "kind": "Number", "parameters": {"min_value": 1, "max_value": 9, "excluded_values": "3,5-6"}},
    ])]))
    attrs = parsed.nodes[0].attributes
    assert attrs[0].parameters is not None and attrs[0].parameters.max_length == 8
    assert attrs[1].parameters is not None and attrs[1].parameters.excluded_values == "3,5-6"


def test_parse_schema_raises_with_every_error() -> None:
    with pytest.raises(SchemaValidationError) as caught:
        parse_schema("x.yml", doc(nodes=[node("Thing", attributes=[{"name": "a", "kind": "Nope"}])]))
    assert {e.path for e in caught.value.errors} == {"nodes[0].attributes[0].name", "nodes[0].attributes[0].kind"}
    assert "x.yml" in str(caught.value)


def test_yaml_syntax_error_names_the_file() -> None:
    with pytest.raises(SchemaValidationError) as caught:
        parse_yaml("broken.yml", "nodes: [\n  - name: {")
    assert caught.value.errors[0].file == "broken.yml"
    assert caught.value.errors[0].code == "schema.syntax"


def test_api_detail_matches_what_infrahubctl_renders() -> None:
    result = read_schema_documents([("a.yml", doc()), ("b.yml", doc(nodes=[node("Thing", attributes=[{"name": "abc", "kind": "Bad"}])]))])
    detail = result.errors[0].api_detail()
    assert detail["loc"] == ["body", "schemas", 1, "nodes", 0, "attributes", 0, "kind"]
    assert detail["type"] == "schema.invalid_value"
