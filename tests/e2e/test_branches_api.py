"""Branches end to end: isolation both ways, time travel on main and on a branch, history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration


async def _gql(api: AsyncTestClient, query: str, branch: str = "main", at: str | None = None) -> dict[str, Any]:  # type: ignore[type-arg]
    suffix = f"?at={quote(at)}" if at else ""
    response = await api.post(f"/graphql/{branch}{suffix}", json={"query": query}, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    return body


async def _names(api: AsyncTestClient, branch: str = "main", at: str | None = None) -> list[str]:  # type: ignore[type-arg]
    body = await _gql(api, "query { TestingPerson { edges { node { name { value } } } } }", branch, at)
    return [e["node"]["name"]["value"] for e in body["data"]["TestingPerson"]["edges"]]


async def _create(api: AsyncTestClient, name: str, branch: str = "main") -> str:  # type: ignore[type-arg]
    body = await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "%s"}}) { object { id } } }' % name, branch)
    uid: str = body["data"]["TestingPersonCreate"]["object"]["id"]
    return uid


async def test_branch_isolation_both_ways(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    alice = await _create(api, "Alice")
    dave = await _create(api, "Dave")
    await _gql(api, 'mutation { BranchCreate(data: {name: "b1"}) { ok } }')
    await _create(api, "Bob", branch="b1")
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 150}}) { ok } }' % alice, "b1")
    await _gql(api, 'mutation { TestingPersonDelete(data: {id: "%s"}) { ok } }' % dave, "b1")
    await _create(api, "Carol")  # on main, after the fork
    assert await _names(api, "main") == ["Alice", "Carol", "Dave"]
    assert await _names(api, "b1") == ["Alice", "Bob"]  # Alice once (the branch's version), Dave hidden
    on_main = await _gql(api, 'query { TestingPerson(ids: ["%s"]) { edges { node { height { value } } } } }' % alice)
    on_b1 = await _gql(api, 'query { TestingPerson(ids: ["%s"]) { edges { node { height { value } } } } }' % alice, "b1")
    assert on_main["data"]["TestingPerson"]["edges"][0]["node"]["height"]["value"] is None
    assert on_b1["data"]["TestingPerson"]["edges"][0]["node"]["height"]["value"] == 150
    history = (await api.get(f"/api/history/{alice}?branch=b1")).json()
    assert [c["branch"] for c in history["changes"]] == ["main", "b1"]
    assert all(c["actor"] and c["event_id"] and c["time"] for c in history["changes"])


async def test_time_travel_on_main_and_on_a_branch(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    await _create(api, "Alice")
    await asyncio.sleep(0.05)
    t1 = datetime.now(UTC).isoformat()
    await asyncio.sleep(0.05)
    await _gql(api, 'mutation { BranchCreate(data: {name: "tt"}) { ok } }')
    await _create(api, "Bob", "tt")
    await _create(api, "Carol")
    await asyncio.sleep(0.05)
    t2 = datetime.now(UTC).isoformat()
    await asyncio.sleep(0.05)
    await _create(api, "Dave", "tt")
    assert await _names(api, "main", at=t1) == ["Alice"]
    assert await _names(api, "main", at=t2) == ["Alice", "Carol"]
    assert await _names(api, "tt", at=t2) == ["Alice", "Bob"]
    assert await _names(api, "tt") == ["Alice", "Bob", "Dave"]
    # a week ago the schema had no TestingPerson: the schema is read as of then, too
    old = await api.post("/graphql/main?at=1w", json={"query": "query { TestingPerson { count } }"})
    assert "TestingPerson" in old.json()["errors"][0]["message"]
    bad = await api.post("/graphql/main?at=yesterday-ish", json={"query": "query { TestingPerson { count } }"})
    assert bad.status_code == 422 and "at" in bad.text
