"""Dropdown choices and enum values added and removed one at a time, as infrahub-sdk's
`schema.add_dropdown_option` and friends ask: the branch's schema changes (and its GraphQL
schema with it), a value still held is not removed, and bad edits are refused naming what is
wrong, changing nothing."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import _gql

pytestmark = pytest.mark.integration

ROUTERS = {"schemas": [{"version": "1.0", "nodes": [
    {"name": "Router", "namespace": "Testing", "human_friendly_id": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True},
                    {"name": "role", "kind": "Dropdown", "choices": [{"name": "edge"}, {"name": "core"}]},
                    {"name": "tier", "kind": "Number", "enum": [1, 2], "optional": True},
                    {"name": "vendor", "kind": "Text", "enum": ["acme"], "optional": True}]},
]}]}  # fmt: skip


async def _choices(api: AsyncTestClient, branch: str = "main") -> list[str]:  # type: ignore[type-arg]
    schema = (await api.get(f"/api/schema/TestingRouter?branch={branch}", headers=TOKEN_HEADERS)).json()
    return [c["name"] for a in schema["attributes"] if a["name"] == "role" for c in a["choices"]]


async def test_dropdown_choices_come_and_go(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ROUTERS, headers=TOKEN_HEADERS)).status_code == 200
    added = await _gql(api, 'mutation { SchemaDropdownAdd(data: {kind: "TestingRouter", attribute: "role", '
                            'dropdown: "spine", label: "", color: "", description: "a spine"}) { ok object { value label color description } } }')  # fmt: skip
    assert "errors" not in added, added
    assert added["data"]["SchemaDropdownAdd"]["object"]["value"] == "spine"
    assert added["data"]["SchemaDropdownAdd"]["object"]["label"] == "Spine"  # filled as a load fills it
    assert added["data"]["SchemaDropdownAdd"]["object"]["description"] == "a spine"
    assert await _choices(api) == ["edge", "core", "spine"]
    created = await _gql(api, 'mutation { TestingRouterCreate(data: {name: {value: "r1"}, role: {value: "spine"}}) { ok } }')
    assert created["data"]["TestingRouterCreate"]["ok"] is True

    held = await _gql(api, 'mutation { SchemaDropdownRemove(data: {kind: "TestingRouter", attribute: "role", dropdown: "spine"}) { ok } }')
    assert "do not fit" in held["errors"][0]["message"]  # r1 holds it
    removed = await _gql(api, 'mutation { SchemaDropdownRemove(data: {kind: "TestingRouter", attribute: "role", dropdown: "edge"}) { ok } }')
    assert removed["data"]["SchemaDropdownRemove"]["ok"] is True
    assert await _choices(api) == ["core", "spine"]
    refused = await _gql(api, 'mutation { TestingRouterCreate(data: {name: {value: "r2"}, role: {value: "edge"}}) { ok } }')
    assert "edge" in refused["errors"][0]["message"]

    for query, expected in (
        ('SchemaDropdownAdd(data: {kind: "TestingRouter", attribute: "role", dropdown: "core"})', "already a choice"),
        ('SchemaDropdownRemove(data: {kind: "TestingRouter", attribute: "role", dropdown: "nope"})', "not a choice"),
        ('SchemaDropdownAdd(data: {kind: "TestingRouter", attribute: "name", dropdown: "x"})', "not a Dropdown"),
        ('SchemaDropdownAdd(data: {kind: "TestingRouter", attribute: "nope", dropdown: "x"})', "no attribute 'nope'"),
        ('SchemaDropdownAdd(data: {kind: "TestingNope", attribute: "role", dropdown: "x"})', "no kind 'TestingNope'"),
        ('SchemaDropdownAdd(data: {kind: "TestingRouter", attribute: "role", dropdown: "x", color: "red"})', "color"),
    ):  # fmt: skip
        answer = await _gql(api, "mutation { %s { ok } }" % query)
        assert expected in answer["errors"][0]["message"], (query, answer)
    assert await _choices(api) == ["core", "spine"]


async def test_enum_values_on_a_branch_only(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ROUTERS, headers=TOKEN_HEADERS)).status_code == 200
    assert "errors" not in await _gql(api, 'mutation { BranchCreate(data: {name: "enums"}) { ok } }')
    for edit in ('SchemaEnumAdd(data: {kind: "TestingRouter", attribute: "tier", enum: "3"})',
                 'SchemaEnumAdd(data: {kind: "TestingRouter", attribute: "vendor", enum: "zeta"})',
                 'SchemaEnumRemove(data: {kind: "TestingRouter", attribute: "tier", enum: "1"})'):  # fmt: skip
        answer = await _gql(api, "mutation { %s { ok } }" % edit, branch="enums")
        assert "errors" not in answer, (edit, answer)
    on_branch = (await api.get("/api/schema/TestingRouter?branch=enums", headers=TOKEN_HEADERS)).json()
    enums = {a["name"]: a["enum"] for a in on_branch["attributes"] if a["name"] in ("tier", "vendor")}
    assert enums == {"tier": [2, 3], "vendor": ["acme", "zeta"]}
    on_main = (await api.get("/api/schema/TestingRouter?branch=main", headers=TOKEN_HEADERS)).json()
    assert [a["enum"] for a in on_main["attributes"] if a["name"] == "tier"] == [[1, 2]]
    created = await _gql(api, 'mutation { TestingRouterCreate(data: {name: {value: "r3"}, role: {value: "core"}, tier: {value: 3}}) { ok } }', branch="enums")
    assert "errors" not in created, created
    not_a_number = await _gql(api, 'mutation { SchemaEnumAdd(data: {kind: "TestingRouter", attribute: "tier", enum: "x"}) { ok } }')
    assert "not a number" in not_a_number["errors"][0]["message"]
