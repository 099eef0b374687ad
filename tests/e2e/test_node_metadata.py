"""`node_metadata` on a list's edges: when an object was made and last changed in the view
read, and by which account, from the commits of the mutations that wrote it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _create, _gql
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

_QUERY = """query { TestingPerson(name__value: "%s") { edges {
  node_metadata { created_at created_by { id display_label __typename } updated_at updated_by { id } }
  node { id } } } }"""


async def _only_person(api: AsyncTestClient, query: str, branch: str, at: str | None) -> dict[str, Any]:  # type: ignore[type-arg]
    """The one TestingPerson edge `query` answers."""
    body = await _gql(api, query, branch, at)
    (edge,) = body["data"]["TestingPerson"]["edges"]
    found: dict[str, Any] = edge
    return found


async def _metadata(api: AsyncTestClient, name: str, branch: str = "main", at: str | None = None) -> dict[str, Any]:  # type: ignore[type-arg]
    found: dict[str, Any] = (await _only_person(api, _QUERY % name, branch, at))["node_metadata"]
    return found


async def test_made_and_changed_per_view(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    uid = await _create(api, "Meta")
    made = await _metadata(api, "Meta")
    assert made["created_by"]["display_label"] == "Admin" and made["created_by"]["__typename"] == "CoreAccount"
    assert made["updated_at"] == made["created_at"] and made["updated_by"]["id"] == made["created_by"]["id"]
    await asyncio.sleep(0.01)
    await _gql(api, 'mutation { BranchCreate(data: {name: "meta"}) { ok } }')
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 170}}) { ok } }' % uid, "meta")
    on_branch = await _metadata(api, "Meta", "meta")
    assert on_branch["created_at"] == made["created_at"]  # made on main, before the fork
    assert datetime.fromisoformat(on_branch["updated_at"]) > datetime.fromisoformat(made["updated_at"])
    assert await _metadata(api, "Meta") == made  # main did not see the branch's change
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 180}}) { ok } }' % uid)
    changed = await _metadata(api, "Meta")
    assert changed["created_at"] == made["created_at"] and changed["updated_at"] > made["updated_at"]
    # as of a moment before the update, main shows the object as it was then
    assert await _metadata(api, "Meta", at=on_branch["updated_at"]) == made
    assert (await _metadata(api, "Meta", "meta"))["updated_at"] == on_branch["updated_at"]  # fork point kept


async def test_graphql_core_answers_the_same(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    """A directive sends the document to graphql-core's executor instead of the planned one."""
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    await _create(api, "Core")
    planned = await _metadata(api, "Core")
    body = await _gql(api, (_QUERY % "Core").replace("node_metadata {", "node_metadata @include(if: true) {"))
    assert body["data"]["TestingPerson"]["edges"][0]["node_metadata"] == planned
    assert planned["created_at"] is not None


async def test_a_relationship_edge_carries_its_peers_metadata(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    owner = await _create(api, "Owner")
    await _gql(api, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok } }' % owner)
    body = await _gql(api, "query { TestingDog { edges { node { owner { node_metadata { created_at updated_by { id } } } } } } }")
    (edge,) = body["data"]["TestingDog"]["edges"]
    person = await _metadata(api, "Owner")
    assert edge["node"]["owner"]["node_metadata"] == {"created_at": person["created_at"], "updated_by": person["updated_by"]}


_ATTRIBUTES = """query { TestingPerson(name__value: "%s") { edges { node {
  name { value updated_at updated_by { id display_label } } height { value updated_at } } } } }"""


async def _attributes(api: AsyncTestClient, name: str, branch: str = "main", at: str | None = None) -> dict[str, Any]:  # type: ignore[type-arg]
    found: dict[str, Any] = (await _only_person(api, _ATTRIBUTES % name, branch, at))["node"]
    return found


async def test_an_attribute_changed_when_its_value_last_did(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    uid = await _create(api, "Attr")
    made = await _attributes(api, "Attr")
    assert made["name"]["updated_by"]["display_label"] == "Admin"
    assert made["height"] == {"value": None, "updated_at": made["name"]["updated_at"]}  # held, unset, since the create
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 150}}) { ok } }' % uid)
    grown = await _attributes(api, "Attr")
    assert grown["name"]["updated_at"] == made["name"]["updated_at"]  # the name did not change
    assert grown["height"]["updated_at"] > made["name"]["updated_at"]
    await _gql(api, 'mutation { BranchCreate(data: {name: "attrs"}) { ok } }')
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 160}}) { ok } }' % uid, "attrs")
    on_branch = await _attributes(api, "Attr", "attrs")
    assert on_branch["name"]["updated_at"] == made["name"]["updated_at"]  # set on main, before the fork
    assert on_branch["height"]["updated_at"] > grown["height"]["updated_at"]
    assert await _attributes(api, "Attr") == grown  # main did not see the branch's change
    body = await _gql(api, _ATTRIBUTES.replace("updated_at updated_by", "updated_at @include(if: true) updated_by") % "Attr", "attrs")
    assert body["data"]["TestingPerson"]["edges"][0]["node"] == on_branch  # graphql-core's executor agrees


_OWNER = """query { TestingDog(name__value: "%s") { edges { node {
  owner { node { id } relationship_metadata { updated_at updated_by { display_label } } } } } } }"""


async def test_a_link_changed_when_the_object_last_took_that_peer(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    first, second = await _create(api, "First"), await _create(api, "Second")
    made = await _gql(api, 'mutation { TestingDogCreate(data: {name: {value: "Fido"}, owner: {id: "%s"}}) { object { id } } }' % first)
    dog = made["data"]["TestingDogCreate"]["object"]["id"]
    await _gql(api, 'mutation { TestingDogUpdate(data: {id: "%s", weight: {value: 3}}) { ok } }' % dog)
    before = (await _gql(api, _OWNER % "Fido"))["data"]["TestingDog"]["edges"][0]["node"]["owner"]
    assert before["node"]["id"] == first and before["relationship_metadata"]["updated_by"]["display_label"] == "Admin"
    weighed = await _metadata(api, "First")  # only to order the times below
    await _gql(api, 'mutation { BranchCreate(data: {name: "links"}) { ok } }')
    await _gql(api, 'mutation { TestingDogUpdate(data: {id: "%s", owner: {id: "%s"}}) { ok } }' % (dog, second), "links")
    after = (await _gql(api, _OWNER % "Fido", "links"))["data"]["TestingDog"]["edges"][0]["node"]["owner"]
    assert after["node"]["id"] == second
    assert after["relationship_metadata"]["updated_at"] > before["relationship_metadata"]["updated_at"] >= weighed["created_at"]
    # the weight update did not touch the link: it dates from the create, on main still
    created = await _gql(api, 'query { TestingDog(name__value: "Fido") { edges { node_metadata { created_at } } } }')
    assert before["relationship_metadata"]["updated_at"] == created["data"]["TestingDog"]["edges"][0]["node_metadata"]["created_at"]
    assert (await _gql(api, _OWNER % "Fido"))["data"]["TestingDog"]["edges"][0]["node"]["owner"] == before
    core = await _gql(api, (_OWNER % "Fido").replace("relationship_metadata {", "relationship_metadata @include(if: true) {"), "links")
    assert core["data"]["TestingDog"]["edges"][0]["node"]["owner"] == after


async def test_holders_of_the_same_peer_keep_their_own_links(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    """The planned executor shares a relationship's value between objects naming the same peers,
    unless the document asks for the links' metadata, which is each holder's."""
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    owner = await _create(api, "Shared")
    for name in ("Early", "Late"):
        await _gql(api, 'mutation { TestingDogCreate(data: {name: {value: "%s"}, owner: {id: "%s"}}) { ok } }' % (name, owner))
        await asyncio.sleep(0.01)
    body = await _gql(api, "query { TestingDog { edges { node { name { value } owner { relationship_metadata { updated_at } } } } } }")
    times = {e["node"]["name"]["value"]: e["node"]["owner"]["relationship_metadata"]["updated_at"] for e in body["data"]["TestingDog"]["edges"]}
    assert times["Early"] < times["Late"]
