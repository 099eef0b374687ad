"""Writers that overlap on one branch all land, each decided on the ones before it: what
infrahub-sdk's batch does (five creates in flight by default)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from strata_core.settings import Settings
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.live_stack import LiveStack, live_stack
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

_WRITERS = 12


@pytest.fixture
async def animals(settings: Settings, neo4j_driver: object) -> AsyncIterator[LiveStack]:
    """The API served by uvicorn over a socket: requests in flight together are handled together
    (the in-process test client did not overlap them enough to collide)."""
    async with live_stack(settings) as stack:
        loaded = await stack.http.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)
        assert loaded.status_code == 200, loaded.text
        yield stack


async def _gql(stack: LiveStack, query: str) -> dict[str, Any]:
    response = await stack.http.post("/graphql/main", json={"query": query}, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_overlapping_creates_on_one_branch_all_land(animals: LiveStack) -> None:
    answers = await asyncio.gather(*(
        _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "p%02d"}}) { ok object { id } } }' % i)
        for i in range(_WRITERS)
    ))  # fmt: skip
    assert [a.get("errors") for a in answers] == [None] * _WRITERS
    ids = {a["data"]["TestingPersonCreate"]["object"]["id"] for a in answers}
    assert len(ids) == _WRITERS
    listed = await _gql(animals, "query { TestingPerson { count edges { node { id name { value } } } } }")
    assert listed["data"]["TestingPerson"]["count"] == _WRITERS
    assert {e["node"]["id"] for e in listed["data"]["TestingPerson"]["edges"]} == ids


async def test_overlapping_creates_of_one_unique_name_keep_one_and_refuse_the_rest(
    animals: LiveStack,
) -> None:
    answers = await asyncio.gather(*(
        _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "same"}, height: {value: %d}}) { ok } }' % i)
        for i in range(6)
    ))  # fmt: skip
    kept = [a for a in answers if not a.get("errors")]
    refused: list[dict[str, Any]] = [a["errors"][0] for a in answers if a.get("errors")]
    assert len(kept) == 1
    # each later one was decided on the stored first: refused for the value, not for the race
    assert len(refused) == 5 and all("unique" in e["message"].lower() for e in refused), refused
    listed = await _gql(animals, 'query { TestingPerson(name__value: "same") { count } }')
    assert listed["data"]["TestingPerson"]["count"] == 1


async def test_overlapping_branch_creates_all_land(animals: LiveStack) -> None:
    answers = await asyncio.gather(*(
        _gql(animals, 'mutation { BranchCreate(data: {name: "together-%d"}) { ok object { id } } }' % i)
        for i in range(8)
    ))  # fmt: skip
    assert [a.get("errors") for a in answers] == [None] * 8
    listed = await _gql(animals, "query { Branch { name } }")
    assert {f"together-{i}" for i in range(8)} <= {b["name"] for b in listed["data"]["Branch"]}
