"""Paths between objects, as infrahub-sdk's `traverse_paths` and `reachable_nodes` ask them: the
shortest through any relationship, or only through the kinds and identifiers allowed, or every
loopless one; the objects of some kinds within reach; hubs left out unless asked for."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_relationship_root import _create

pytestmark = pytest.mark.integration

NETWORK = {"schemas": [{"version": "1.0", "nodes": [
    {"name": "Site", "namespace": "Testing", "display_labels": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True}],
     "relationships": [{"name": "devices", "peer": "TestingDevice", "identifier": "site__device", "cardinality": "many",
                        "optional": True}]},
    {"name": "Device", "namespace": "Testing", "display_labels": ["name__value"], "human_friendly_id": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True}],
     "relationships": [{"name": "site", "peer": "TestingSite", "identifier": "site__device", "cardinality": "one",
                        "optional": True},
                       {"name": "interfaces", "peer": "TestingInterface", "identifier": "device__interface",
                        "cardinality": "many", "kind": "Component", "optional": True},
                       {"name": "tags", "peer": "BuiltinTag", "cardinality": "many", "optional": True}]},
    {"name": "Interface", "namespace": "Testing", "display_labels": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text"}],
     "relationships": [{"name": "device", "peer": "TestingDevice", "identifier": "device__interface",
                        "cardinality": "one", "kind": "Parent", "optional": False},
                       {"name": "circuit", "peer": "TestingCircuit", "identifier": "circuit__endpoint",
                        "cardinality": "one", "optional": True}]},
    {"name": "Circuit", "namespace": "Testing", "display_labels": ["cid__value"],
     "attributes": [{"name": "cid", "kind": "Text"}],
     "relationships": [{"name": "endpoints", "peer": "TestingInterface", "identifier": "circuit__endpoint",
                        "cardinality": "many", "optional": True}]},
]}]}  # fmt: skip
HOPS = "hops { node { id kind label display_label hfid } relationship { from_rel from_label to_rel to_label kind } } depth"
PATHS = ("query ($data: PathTraversalInput!) { InfrahubPathTraversal(data: $data) { paths { %s } "
         "source { display_label } destination { display_label } count excluded_kinds truncated_at_depth } }") % HOPS  # fmt: skip
REACH = ("query ($data: ReachableNodesInput!) { InfrahubReachableNodes(data: $data) { source { display_label } "
         "dependencies { node { kind display_label } depth path { %s } } count } }") % HOPS  # fmt: skip


async def _ask(api: AsyncTestClient, query: str, data: dict[str, Any]) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.post("/graphql/main", json={"query": query, "variables": {"data": data}}, headers=TOKEN_HEADERS)
    body: dict[str, Any] = response.json()
    return body


def _labels(path: dict[str, Any]) -> list[str]:
    return [hop["node"]["display_label"] for hop in path["hops"]]


async def test_paths_and_reach(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=NETWORK, headers=TOKEN_HEADERS)).status_code == 200
    tag = await _create(api, "BuiltinTag", 'name: {value: "shared"}')
    site = await _create(api, "TestingSite", 'name: {value: "paris"}')
    d1 = await _create(api, "TestingDevice", f'name: {{value: "d1"}}, site: {{id: "{site}"}}, tags: [{{id: "{tag}"}}]')
    d2 = await _create(api, "TestingDevice", f'name: {{value: "d2"}}, site: {{id: "{site}"}}, tags: [{{id: "{tag}"}}]')
    circuit = await _create(api, "TestingCircuit", 'cid: {value: "c-1"}')
    for device, name in ((d1, "e1"), (d2, "e2")):
        await _create(api, "TestingInterface", f'name: {{value: "{name}"}}, device: {{id: "{device}"}}, circuit: {{id: "{circuit}"}}')

    shortest = (await _ask(api, PATHS, {"source_id": d1, "destination_id": d2}))["data"]["InfrahubPathTraversal"]
    assert shortest["count"] == 1 and shortest["truncated_at_depth"] is None
    [path] = shortest["paths"]
    assert _labels(path) == ["d1", "paris", "d2"] and path["depth"] == 2
    assert path["hops"][0]["relationship"] is None
    assert path["hops"][1]["relationship"] == {"from_rel": "site", "from_label": "Site", "to_rel": "devices",
                                               "to_label": "Devices", "kind": "Generic"}  # fmt: skip
    assert path["hops"][2]["node"]["hfid"] == ["d2"] and path["hops"][2]["node"]["kind"] == "TestingDevice"
    assert "BuiltinTag" in shortest["excluded_kinds"]  # the shared tag is no shortcut

    no_sites = (await _ask(api, PATHS, {"source_id": d1, "destination_id": d2, "excluded_kinds": ["TestingSite"]}))
    [around] = no_sites["data"]["InfrahubPathTraversal"]["paths"]
    assert _labels(around) == ["d1", "e1", "c-1", "e2", "d2"]
    only_sites = await _ask(api, PATHS, {"source_id": d1, "destination_id": d2, "relationship_filter": ["site__device"]})
    assert [_labels(p) for p in only_sites["data"]["InfrahubPathTraversal"]["paths"]] == [["d1", "paris", "d2"]]
    too_short = await _ask(api, PATHS, {"source_id": d1, "destination_id": d2, "excluded_kinds": ["TestingSite"], "max_depth": 3})
    assert too_short["data"]["InfrahubPathTraversal"]["count"] == 0
    every = await _ask(api, PATHS, {"source_id": d1, "destination_id": d2, "shortest_paths_only": False})
    assert [_labels(p) for p in every["data"]["InfrahubPathTraversal"]["paths"]] == [
        ["d1", "paris", "d2"], ["d1", "e1", "c-1", "e2", "d2"]]  # fmt: skip
    via_tags = await _ask(api, PATHS, {"source_id": d1, "destination_id": d2, "included_kinds": ["BuiltinTag"],
                                       "relationship_filter": ["builtintag__testingdevice"]})  # fmt: skip
    assert via_tags["data"]["InfrahubPathTraversal"]["count"] == 0  # a tag holds no link back: not walked from it

    reach = (await _ask(api, REACH, {"source_id": d1, "target_kinds": ["TestingInterface", "TestingCircuit"]}))
    found = [(d["node"]["display_label"], d["depth"]) for d in reach["data"]["InfrahubReachableNodes"]["dependencies"]]
    assert sorted(found) == [("c-1", 2), ("e1", 1), ("e2", 3)]
    e2 = next(d for d in reach["data"]["InfrahubReachableNodes"]["dependencies"] if d["node"]["display_label"] == "e2")
    assert _labels(e2["path"]) in (["d1", "e1", "c-1", "e2"], ["d1", "paris", "d2", "e2"])

    for query, data, field in ((PATHS, {"source_id": "nope", "destination_id": d2}, "source_id"),
                               (PATHS, {"source_id": d1, "destination_id": d2, "max_depth": 99}, "max_depth"),
                               (PATHS, {"source_id": d1, "destination_id": d2, "kind_filter": ["Nope"]}, "kind_filter"),
                               (REACH, {"source_id": d1, "target_kinds": []}, "target_kinds")):  # fmt: skip
        refused = await _ask(api, query, data)
        assert refused["errors"][0]["message"].startswith(f"{field}:"), refused
