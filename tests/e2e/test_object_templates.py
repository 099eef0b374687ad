"""Object templates: a create naming its template takes the template's attribute values for what
its input leaves out; the input wins; a mandatory attribute the template lacks is refused."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import _gql

pytestmark = pytest.mark.integration

SCHEMA = {"schemas": [{"version": "1.0", "nodes": [
    {"name": "Dog", "namespace": "Testtpl", "generate_template": True, "human_friendly_id": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True}, {"name": "breed", "kind": "Text"},
                    {"name": "colour", "kind": "Text", "optional": True}]},
]}]}  # fmt: skip


async def _dog(api: AsyncTestClient, fields: str) -> dict[str, Any]:  # type: ignore[type-arg]
    return await _gql(api, "mutation { TesttplDogCreate(data: {%s}) { object { breed { value } colour { value } } } }" % fields)


async def test_a_template_fills_what_the_input_leaves_out(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=SCHEMA, headers=TOKEN_HEADERS)).status_code == 200
    for name, fields in (("Complete", 'breed: {value: "Labrador"}, colour: {value: "gold"}'), ("Incomplete", "")):
        made = await _gql(api, 'mutation { TemplateTesttplDogCreate(data: {template_name: {value: "%s"}, %s}) { ok } }'
                          % (name, fields))  # fmt: skip
        assert not made.get("errors"), made

    rex = await _dog(api, 'name: {value: "Rex"}, object_template: {hfid: ["Complete"]}')
    assert rex["data"]["TesttplDogCreate"]["object"] == {"breed": {"value": "Labrador"}, "colour": {"value": "gold"}}
    own = await _dog(api, 'name: {value: "Max"}, breed: {value: "Beagle"}, object_template: {hfid: ["Complete"]}')
    assert own["data"]["TesttplDogCreate"]["object"] == {"breed": {"value": "Beagle"}, "colour": {"value": "gold"}}

    # an upsert that creates (as the SDK's object files do) may leave out what the template gives
    upserted = await _gql(api, 'mutation { TesttplDogUpsert(data: {name: {value: "Ace"}, object_template: {hfid: '
                          '["Complete"]}}) { object { breed { value } } } }')  # fmt: skip
    assert upserted["data"]["TesttplDogUpsert"]["object"] == {"breed": {"value": "Labrador"}}, upserted

    buddy = await _dog(api, 'name: {value: "Buddy"}, object_template: {hfid: ["Incomplete"]}')
    assert [e["message"] for e in buddy["errors"]] == ["breed is mandatory for TesttplDog at breed"]
    listed = await _gql(api, "query { TesttplDog { edges { node { name { value } } } } }")
    assert sorted(e["node"]["name"]["value"] for e in listed["data"]["TesttplDog"]["edges"]) == ["Ace", "Max", "Rex"]
