"""Diff, conflicts, resolution, merge, rebase end to end; refusals change nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _create, _gql, _names
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration


async def _raw(api: AsyncTestClient, query: str, branch: str = "main") -> dict[str, Any]:  # type: ignore[type-arg]
    body: dict[str, Any] = (await api.post(f"/graphql/{branch}", json={"query": query}, headers=TOKEN_HEADERS)).json()
    return body


async def _height(api: AsyncTestClient, uid: str, branch: str = "main") -> Any:  # type: ignore[type-arg]
    body = await _gql(api, 'query { TestingPerson(ids: ["%s"]) { edges { node { height { value } } } } }' % uid, branch)
    return body["data"]["TestingPerson"]["edges"][0]["node"]["height"]["value"]


@pytest.fixture
async def world(api: AsyncTestClient) -> AsyncTestClient:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    return api


async def test_diff_then_merge_brings_every_change_to_main(world: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { BranchCreate(data: {name: "m1"}) { ok } }')
    await _create(world, "Bob", "m1")
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 180}}) { ok } }' % alice, "m1")
    diff = (await world.get("/api/diff/data?branch=m1")).json()
    assert diff["num_added"] == 1 and diff["num_updated"] == 1 and diff["num_conflicts"] == 0
    tree = await _gql(world, 'query { DiffTree(branch: "m1") { num_added nodes { kind status } } }', "m1")
    assert sorted(n["status"] for n in tree["data"]["DiffTree"]["nodes"]) == ["ADDED", "UPDATED"]
    valid = await _gql(world, 'mutation { BranchValidate(data: {name: "m1"}) { ok } }')
    assert valid["data"]["BranchValidate"]["ok"] is True
    merged = await _gql(world, 'mutation { BranchMerge(data: {name: "m1"}) { ok object { status } } }')
    assert merged["data"]["BranchMerge"]["object"]["status"] == "MERGED"
    assert await _names(world) == ["Alice", "Bob"]
    assert await _height(world, alice) == 180
    assert await _names(world, "m1") == ["Alice", "Bob"]  # the branch stays readable after merge
    again = await _raw(world, 'mutation { BranchMerge(data: {name: "m1"}) { ok } }')
    assert "already merged" in again["errors"][0]["message"]


async def test_conflict_blocks_merge_until_resolved(world: AsyncTestClient, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { BranchCreate(data: {name: "c1"}) { ok } }')
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 150}}) { ok } }' % alice, "c1")
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 160}}) { ok } }' % alice)
    diff = (await world.get("/api/diff/data?branch=c1")).json()
    assert diff["num_conflicts"] == 1
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    refused = await _raw(world, 'mutation { BranchMerge(data: {name: "c1"}) { ok } }')
    assert "unresolved conflict" in refused["errors"][0]["message"]
    assert await store.last_seq("main") == before, "a refused merge appends nothing"
    valid = await _gql(world, 'mutation { BranchValidate(data: {name: "c1"}) { ok } }')
    assert valid["data"]["BranchValidate"]["ok"] is False
    conflict_id = next(a["conflict"]["uuid"] for n in diff["nodes"] for a in n["attributes"] if a.get("conflict"))
    resolved = await world.post(f"/api/diff/conflicts/{conflict_id}?branch=c1", json={"keep": "main"}, headers=TOKEN_HEADERS)
    assert resolved.status_code == 200, resolved.text
    await _gql(world, 'mutation { BranchMerge(data: {name: "c1"}) { ok } }')
    assert await _height(world, alice) == 160  # main's value was kept


async def test_rebase_moves_the_fork_point(world: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { BranchCreate(data: {name: "r1"}) { ok } }')
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 120}}) { ok } }' % alice, "r1")
    carol = await _create(world, "Carol")
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", name: {value: "Alicia"}}) { ok } }' % alice)
    assert await _names(world, "r1") == ["Alice"]
    await _gql(world, 'mutation { BranchRebase(data: {name: "r1"}) { ok } }')
    assert await _names(world, "r1") == ["Alicia", "Carol"]  # main's later changes now seen
    assert await _height(world, alice, "r1") == 120  # the branch's own change kept
    assert carol


async def test_time_travel_before_a_rebase_reads_the_fork_point_of_then(world: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { BranchCreate(data: {name: "tr1"}) { ok } }')
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 120}}) { ok } }' % alice, "tr1")
    await _create(world, "Carol")  # main, after the fork
    await asyncio.sleep(0.05)
    before_rebase = datetime.now(UTC).isoformat()
    await asyncio.sleep(0.05)
    await _gql(world, 'mutation { BranchRebase(data: {name: "tr1"}) { ok } }')
    await _create(world, "Dave")  # main, after the rebase
    assert await _names(world, "tr1") == ["Alice", "Carol"]
    # then, the branch read main as of its first fork point: Carol was not there yet
    assert await _names(world, "tr1", at=before_rebase) == ["Alice"]
    assert await _height(world, alice, "tr1") == 120


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        ('BranchMerge(data: {name: "main"})', "main"),
        ('BranchDelete(data: {name: "main"})', "main"),
        ('BranchCreate(data: {name: "bad..name"})', "branch name"),
        ('BranchCreate(data: {name: "has space"})', "branch name"),
        ('BranchMerge(data: {name: "nope"})', "nope"),
    ],
)
async def test_bad_branch_operations_are_refused(
    world: AsyncTestClient, nc: Client, settings: Settings, mutation: str, message: str  # type: ignore[type-arg]
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    body = await _raw(world, "mutation { %s { ok } }" % mutation)
    assert body.get("errors") and message in body["errors"][0]["message"], body
    assert await store.last_seq("main") == before


async def test_merge_rechecks_multi_field_uniqueness_against_main(
    world: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { BranchCreate(data: {name: "u1"}) { ok } }')
    dog = 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok } }' % alice
    await _gql(world, dog, "u1")
    await _gql(world, dog)  # the same owner + name on main, after the fork
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    refused = await _raw(world, 'mutation { BranchMerge(data: {name: "u1"}) { ok } }')
    assert "uniqueness constraint" in refused["errors"][0]["message"], refused
    assert await store.last_seq("main") == before


async def test_merge_checks_every_merged_object_against_main_and_the_others_merged(
    world: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    """One read of main for the whole merge, yet the objects merged are compared as they will
    be after it: names swapped on the branch do not clash, a name taken on main since does."""
    alice = await _create(world, "Alice")
    dog = 'mutation { TestingDogCreate(data: {name: {value: "%s"}, owner: {id: "%s"}}) { object { id } } }'
    rex = (await _gql(world, dog % ("Rex", alice)))["data"]["TestingDogCreate"]["object"]["id"]
    max_ = (await _gql(world, dog % ("Max", alice)))["data"]["TestingDogCreate"]["object"]["id"]
    await _gql(world, 'mutation { BranchCreate(data: {name: "swap"}) { ok } }')
    rename = 'mutation { TestingDogUpdate(data: {id: "%s", name: {value: "%s"}}) { ok } }'
    for uid, name in ((rex, "Tmp"), (max_, "Rex"), (rex, "Max")):
        await _gql(world, rename % (uid, name), "swap")
    for i in range(4):
        await _gql(world, dog % (f"Pup{i}", alice), "swap")
    await _gql(world, 'mutation { BranchCreate(data: {name: "taken"}) { ok } }')
    for i in range(4):
        await _gql(world, dog % (f"Kit{i}", alice), "taken")
    taken_on_main = (await _gql(world, dog % ("Kit2", alice)))["data"]["TestingDogCreate"]["object"]["id"]
    names = await _merged_names(world, "swap", "TestingDog")
    assert names[rex] == "Max" and names[max_] == "Rex" and sum(n.startswith("Pup") for n in names.values()) == 4
    message = await _refused_merge(world, nc, settings, "taken")
    assert "uniqueness constraint 'owner-name__value'" in message and taken_on_main in message, message


async def test_unique_values_swapped_on_a_branch_merge_and_one_taken_on_main_since_does_not(
    world: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    alice, bob = await _create(world, "Alice"), await _create(world, "Bob")
    await _gql(world, 'mutation { BranchCreate(data: {name: "names"}) { ok } }')
    rename = 'mutation { TestingPersonUpdate(data: {id: "%s", name: {value: "%s"}}) { ok } }'
    for uid, name in ((alice, "Tmp"), (bob, "Alice"), (alice, "Bob")):
        await _gql(world, rename % (uid, name), "names")
    await _gql(world, 'mutation { BranchCreate(data: {name: "carol"}) { ok } }')
    await _create(world, "Carol", "carol")
    carol_on_main = await _create(world, "Carol")
    names = await _merged_names(world, "names", "TestingPerson")
    assert names[alice] == "Bob" and names[bob] == "Alice"
    message = await _refused_merge(world, nc, settings, "carol")
    assert "name='Carol'" in message and carol_on_main in message, message


async def _merged_names(api: AsyncTestClient, branch: str, kind: str) -> dict[str, str]:  # type: ignore[type-arg]
    """Merges `branch`, then answers main's objects of `kind`: id -> name."""
    merged = await _gql(api, 'mutation { BranchMerge(data: {name: "%s"}) { ok } }' % branch)
    assert merged["data"]["BranchMerge"]["ok"] is True
    listed = await _gql(api, "query { %s { edges { node { id name { value } } } } }" % kind)
    return {e["node"]["id"]: e["node"]["name"]["value"] for e in listed["data"][kind]["edges"]}


async def _refused_merge(api: AsyncTestClient, nc: Client, settings: Settings, branch: str) -> str:  # type: ignore[type-arg]
    """The error message of merging `branch`, checking that main got nothing."""
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    refused = await _raw(api, 'mutation { BranchMerge(data: {name: "%s"}) { ok } }' % branch)
    assert refused.get("errors"), refused
    assert await store.last_seq("main") == before
    return str(refused["errors"][0]["message"])


async def test_the_rest_diff_is_the_graphql_diff_tree(world: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { BranchCreate(data: {name: "rd1"}) { ok } }')
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 175}}) { ok } }' % alice, "rd1")
    await _create(world, "Bob", "rd1")
    fields = "num_added num_updated num_conflicts nodes { uuid kind status attributes { name status properties { property_type previous_value new_value } } }"
    tree = (await _gql(world, 'query { DiffTree(branch: "rd1") { %s } }' % fields, "rd1"))["data"]["DiffTree"]
    rest = (await world.get("/api/diff/data?branch=rd1")).json()

    def picked(node: dict[str, Any]) -> dict[str, Any]:
        attributes = [{"name": a["name"], "status": a["status"], "properties": [
            {k: p[k] for k in ("property_type", "previous_value", "new_value")} for p in a["properties"]]}
            for a in node["attributes"]]  # fmt: skip
        return {"uuid": node["uuid"], "kind": node["kind"], "status": node["status"], "attributes": attributes}

    assert [picked(n) for n in rest["nodes"]] == tree["nodes"]
    assert (rest["num_added"], rest["num_updated"], rest["num_conflicts"]) == (1, 1, 0)
    assert (tree["num_added"], tree["num_updated"]) == (1, 1)
    assert (await world.get("/api/diff/data?branch=main")).json() == {}
    unknown = await world.get("/api/diff/data?branch=nope")
    assert unknown.status_code == 404 and "nope" in unknown.text
