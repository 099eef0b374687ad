"""A branch's change set is reused while main's head, the branch's head and its schema stay where
they were, and computed again as soon as either side moves."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _create, _gql, _names
from tests.e2e.test_graphql_api import ANIMALS
from tests.e2e.test_merge_api import _height
from tests.e2e.test_observability import _metrics, _value

pytestmark = pytest.mark.integration

_SETS = "strata_branch_change_sets_total"


@pytest.fixture
async def world(api: AsyncTestClient) -> AsyncTestClient:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    return api


async def _sources(api: AsyncTestClient) -> tuple[float, float]:  # type: ignore[type-arg]
    samples = await _metrics(api)
    return _value(samples, _SETS, source="computed"), _value(samples, _SETS, source="recent")


async def _diff(api: AsyncTestClient, branch: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.get(f"/api/diff/data?branch={branch}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _undated(tree: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tree.items() if k != "to_time"}


async def _set_height(api: AsyncTestClient, uid: str, height: int, branch: str = "main") -> None:  # type: ignore[type-arg]
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: %d}}) { ok } }' % (uid, height), branch)


async def test_a_diff_asked_again_is_reused_until_either_head_moves(world: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice, bob = await _create(world, "Alice"), await _create(world, "Bob")
    await _gql(world, 'mutation { BranchCreate(data: {name: "rc1"}) { ok } }')
    await _set_height(world, alice, 150, "rc1")

    computed, recent = await _sources(world)
    first = await _diff(world, "rc1")
    again = await _diff(world, "rc1")
    assert await _sources(world) == (computed + 1, recent + 1)
    assert _undated(again) == _undated(first)
    assert (first["num_updated"], first["num_conflicts"]) == (1, 0)

    await _set_height(world, alice, 160)  # main moves: the same field changed on both sides
    on_main_moved = await _diff(world, "rc1")
    assert on_main_moved["num_conflicts"] == 1
    await _set_height(world, bob, 170, "rc1")  # the branch moves: one more object changed
    on_branch_moved = await _diff(world, "rc1")
    assert (on_branch_moved["num_updated"], on_branch_moved["num_conflicts"]) == (2, 1)
    assert await _sources(world) == (computed + 3, recent + 1)


async def test_a_merge_after_the_diff_reuses_its_change_set_and_merges_all_of_it(world: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { BranchCreate(data: {name: "rc2"}) { ok } }')
    await _set_height(world, alice, 181, "rc2")
    await _create(world, "Carol", "rc2")
    assert (await _diff(world, "rc2"))["num_added"] == 1

    computed, recent = await _sources(world)
    merged = await _gql(world, 'mutation { BranchMerge(data: {name: "rc2"}) { ok } }')
    assert merged["data"]["BranchMerge"]["ok"] is True
    assert await _sources(world) == (computed, recent + 1)
    assert await _names(world) == ["Alice", "Carol"]
    assert await _height(world, alice) == 181

