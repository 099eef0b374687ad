"""The DiffTree result: its shape passes through the served GraphQL schema and the SDK's documents."""

from __future__ import annotations

from functools import cache
from typing import Any

import graphql
import pytest

from strata_branching import detect_conflicts, diff_tree, diff_tree_summary, fold_changes
from strata_events import AttributeValue
from strata_graphql.sdl import build_graphql_schema
from strata_schema import BranchSchema

from ..graphql_sdl.recordings import read_requests
from .world import EPOCH, cardinality, created, deleted, fold_states, stored_run, updated

BASE = fold_states(
    {},
    stored_run([created("d1", tags=["p1"], site="p1", name="edge", role="leaf"), created("d2", name="old")]),
)
BRANCH = stored_run(
    [
        created("d3", tags=["p2"], name="new"),
        updated("d1", attributes={"name": AttributeValue(value="core")}, relationships={"site": ["p2"]},
                peers_added={"tags": ["p3"]}, peers_removed={"tags": ["p1"]}),
        deleted("d2"),
    ],
    start=10,
)  # fmt: skip
MAIN = stored_run([updated("d1", attributes={"name": AttributeValue(value="dist")}, relationships={"site": ["p4"]})])


def tree() -> dict[str, Any]:
    branch = fold_changes(BASE, BRANCH, cardinality=cardinality)
    main = fold_changes(BASE, MAIN, cardinality=cardinality)
    conflicts = detect_conflicts(branch, main)
    site = next(c for c in conflicts if c.prop == "peer")
    return diff_tree(
        "feat-1", branch, conflicts, from_time=EPOCH, to_time=EPOCH.replace(hour=1),
        choices={site.id: "main"}, node_labels={"d1": "edge-1", "p2": "Paris"},
        schema_labels={("InfraDevice", "site"): "Site"},
    )  # fmt: skip


@cache
def served_schema() -> graphql.GraphQLSchema:
    return build_graphql_schema(BranchSchema.initial())


def run(document: str, root: dict[str, Any]) -> dict[str, Any]:
    result = graphql.graphql_sync(served_schema(), document, root_value=root, variable_values={"branch_name": "feat-1"})
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_root_counts_and_nodes() -> None:
    result = tree()
    assert (result["base_branch"], result["diff_branch"]) == ("main", "feat-1")
    assert (result["num_added"], result["num_updated"], result["num_removed"], result["num_conflicts"]) == (1, 1, 1, 1)
    assert [n["uuid"] for n in result["nodes"]] == ["d3", "d1", "d2"]


def test_an_updated_node_with_conflicts() -> None:
    node = next(n for n in tree()["nodes"] if n["uuid"] == "d1")
    assert (node["label"], node["status"], node["contains_conflict"], node["num_conflicts"]) == ("edge-1", "UPDATED", True, 2)
    (name,) = node["attributes"]
    assert name["conflict"]["base_branch_value"] == "dist" and name["conflict"]["diff_branch_value"] == "core"
    assert name["conflict"]["selected_branch"] is None
    value = next(p for p in name["properties"] if p["property_type"] == "HAS_VALUE")
    assert (value["previous_value"], value["new_value"], value["conflict"]) == ("edge", "core", None)
    rels = {r["name"]: r for r in node["relationships"]}
    (site,) = rels["site"]["elements"]
    assert (rels["site"]["cardinality"], rels["site"]["label"], site["peer_id"], site["peer_label"]) == ("ONE", "Site", "p2", "Paris")
    assert site["conflict"]["selected_branch"] == "BASE_BRANCH"
    assert site["properties"][0]["previous_value"] == "p1"
    tags = rels["tags"]
    assert (tags["cardinality"], tags["num_added"], tags["num_removed"]) == ("MANY", 1, 1)
    assert {(e["peer_id"], e["status"]) for e in tags["elements"]} == {("p3", "ADDED"), ("p1", "REMOVED")}


def test_added_and_removed_nodes() -> None:
    nodes = {n["uuid"]: n for n in tree()["nodes"]}
    assert nodes["d3"]["status"] == "ADDED" and nodes["d3"]["label"] == "InfraDevice(ID: d3)"
    assert {a["status"] for a in nodes["d3"]["attributes"]} == {"ADDED"}
    assert nodes["d2"]["status"] == "REMOVED"
    (old_name,) = nodes["d2"]["attributes"]
    value = next(p for p in old_name["properties"] if p["property_type"] == "HAS_VALUE")
    assert (value["previous_value"], value["new_value"], value["status"]) == ("old", None, "REMOVED")


@pytest.mark.parametrize("section", ["get_diff_tree", "get_diff_summary"])
def test_the_sdk_documents_read_it(section: str) -> None:
    (request,) = [r for r in read_requests("sdk-calls.txt") if r.section == section]
    data = run(request.document, {"DiffTree": tree()})
    nodes = data["DiffTree"]["nodes"]
    assert len(nodes) == 3
    assert all(isinstance(n["label"], str) and n["status"] in {"ADDED", "UPDATED", "REMOVED"} for n in nodes)


def test_every_field_of_the_served_types_resolves() -> None:
    conflict = "conflict { " + " ".join(_fields("ConflictDetails")) + " }"
    prop = "properties { " + " ".join(_fields("DiffProperty", conflict)) + " }"
    element = "elements { " + " ".join(_fields("DiffSingleRelationship", conflict, prop)) + " }"
    document = f"""{{ DiffTree(branch: "feat-1") {{ {" ".join(_fields("DiffTree"))} nodes {{
        {" ".join(_fields("DiffNode", conflict))} parent {{ uuid }}
        attributes {{ {" ".join(_fields("DiffAttribute", conflict, prop))} }}
        relationships {{ {" ".join(_fields("DiffRelationship", element))} }} }} }} }}"""
    assert run(document, {"DiffTree": tree()})["DiffTree"]["num_conflicts"] == 1


def test_summary() -> None:
    branch = fold_changes(BASE, BRANCH, cardinality=cardinality)
    summary = diff_tree_summary("feat-1", branch, [], from_time=EPOCH, to_time=EPOCH)
    document = "{ DiffTreeSummary { " + " ".join(_fields("DiffTreeSummary")) + " } }"
    data = run(document, {"DiffTreeSummary": summary})["DiffTreeSummary"]
    assert (data["num_added"], data["num_updated"], data["num_removed"], data["num_unchanged"]) == (1, 1, 1, 0)


def _fields(type_name: str, *nested: str) -> list[str]:
    """The scalar and enum fields of a served type, plus the given nested selections."""
    named = served_schema().type_map[type_name]
    assert isinstance(named, graphql.GraphQLObjectType)
    leaves = [
        name for name, f in named.fields.items()
        if isinstance(graphql.get_named_type(f.type), graphql.GraphQLScalarType | graphql.GraphQLEnumType)
    ]  # fmt: skip
    return leaves + list(nested)
