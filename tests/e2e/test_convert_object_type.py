"""`ConvertObjectType`: the object becomes one of another kind in one batch, its same-named
fields carried over (a unique value included), the mapping's values applied; bad requests
name the input at fault and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import _gql

pytestmark = pytest.mark.integration

SCHEMA = {"schemas": [{"version": "1.0", "generics": [
    {"name": "PersonGeneric", "namespace": "Testconv", "human_friendly_id": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True}]},
], "nodes": [
    {"name": "Person1", "namespace": "Testconv", "inherit_from": ["TestconvPersonGeneric"]},
    {"name": "Person2", "namespace": "Testconv", "inherit_from": ["TestconvPersonGeneric"],
     "attributes": [{"name": "age", "kind": "Number"}],
     "relationships": [{"name": "worst_car", "peer": "TestconvCar", "cardinality": "one", "identifier": "person__worst"},
                       {"name": "fastest_cars", "peer": "TestconvCar", "cardinality": "many",
                        "identifier": "person__fastest"}]},
    {"name": "Car", "namespace": "Testconv", "human_friendly_id": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text"}]},
]}]}  # fmt: skip

CONVERT = """mutation ($node_id: String!, $target_kind: String!, $fields_mapping: GenericScalar!) {
  ConvertObjectType(data: {node_id: $node_id, target_kind: $target_kind, fields_mapping: $fields_mapping}) { ok node } }"""


async def _convert(api: AsyncTestClient, node_id: str, target: str, mapping: dict[str, Any]) -> dict[str, Any]:  # type: ignore[type-arg]
    variables = {"node_id": node_id, "target_kind": target, "fields_mapping": mapping}
    response = await api.post("/graphql/main", json={"query": CONVERT, "variables": variables}, headers=TOKEN_HEADERS)
    body: dict[str, Any] = response.json()
    return body


async def _created(api: AsyncTestClient, kind: str, name: str) -> str:  # type: ignore[type-arg]
    body = await _gql(api, 'mutation { %sCreate(data: {name: {value: "%s"}}) { object { id } } }' % (kind, name))
    return str(body["data"][f"{kind}Create"]["object"]["id"])


async def test_an_object_becomes_one_of_another_kind_with_its_fields_and_the_mapping(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=SCHEMA, headers=TOKEN_HEADERS)).status_code == 200
    person, car = await _created(api, "TestconvPerson1", "ada"), await _created(api, "TestconvCar", "fast")
    mapping = {"age": {"data": {"attribute_value": 25}}, "worst_car": {"data": {"peer_id": car}},
               "fastest_cars": {"data": {"peers_ids": [car]}}}  # fmt: skip

    converted = await _convert(api, person, "TestconvPerson2", mapping)
    assert not converted.get("errors"), converted
    node = converted["data"]["ConvertObjectType"]["node"]
    assert (node["__typename"], node["name"], node["age"]) == ("TestconvPerson2", {"value": "ada"}, {"value": 25})

    listed = await _gql(api, "query { TestconvPerson1 { count } TestconvPerson2 { edges { node { id name { value } "
                        "worst_car { node { id } } fastest_cars { edges { node { id } } } } } } }")  # fmt: skip
    assert listed["data"]["TestconvPerson1"]["count"] == 0
    [edge] = listed["data"]["TestconvPerson2"]["edges"]
    assert edge["node"]["id"] == node["id"] and edge["node"]["name"]["value"] == "ada"
    assert edge["node"]["worst_car"]["node"]["id"] == car
    assert [e["node"]["id"] for e in edge["node"]["fastest_cars"]["edges"]] == [car]

    other = await _created(api, "TestconvPerson1", "bob")
    for target, bad_mapping, named in (("TestconvNope", {}, "target_kind"),
                                       ("TestconvPerson2", {"colour": {"source_field": "name"}}, "colour"),
                                       ("TestconvPerson2", {"age": {}}, "fields_mapping.age")):  # fmt: skip
        refused = await _convert(api, other, target, bad_mapping)
        assert named in refused["errors"][0]["message"], refused
    after = await _gql(api, "query { TestconvPerson1 { count } TestconvPerson2 { count } }")
    assert (after["data"]["TestconvPerson1"]["count"], after["data"]["TestconvPerson2"]["count"]) == (1, 1)
