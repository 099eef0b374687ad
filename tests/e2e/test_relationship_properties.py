"""Relationship edge properties (`_relation__is_protected`, `_relation__is_visible`,
`_relation__source`, `_relation__owner`): stored with the edge, read from both of its ends,
kept while the edge stays, dropped with it, diffed and merged with a branch."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _gql
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

_PROPS = "properties { is_protected is_visible source { id } owner { id } }"
_TAGS = "query { TestingPerson(name__value: \"Bob\") { edges { node { id tags { edges { node { id } %s } } } } } }"
_DEFAULT = {"is_protected": False, "is_visible": True, "source": None, "owner": None}


async def _tag(api: AsyncTestClient, name: str) -> str:  # type: ignore[type-arg]
    body = await _gql(api, 'mutation { BuiltinTagCreate(data: {name: {value: "%s"}}) { object { id } } }' % name)
    uid: str = body["data"]["BuiltinTagCreate"]["object"]["id"]
    return uid


async def _bob_tags(api: AsyncTestClient, branch: str = "main") -> dict[str, dict[str, Any]]:  # type: ignore[type-arg]
    """Bob's tags, each with its edge's properties."""
    body = await _gql(api, _TAGS % _PROPS, branch)
    (bob,) = body["data"]["TestingPerson"]["edges"]
    return {e["node"]["id"]: e["properties"] for e in bob["node"]["tags"]["edges"]}


async def _updated_at(api: AsyncTestClient, uid: str) -> str:  # type: ignore[type-arg]
    body = await _gql(api, 'query { TestingPerson(ids: ["%s"]) { edges { node_metadata { updated_at } } } }' % uid)
    stamp: str = body["data"]["TestingPerson"]["edges"][0]["node_metadata"]["updated_at"]
    return stamp


async def _admin(api: AsyncTestClient) -> str:  # type: ignore[type-arg]
    """The test account's id: an account can be the source and the owner of an edge."""
    body = await _gql(api, 'query { CoreAccount(name__value: "admin") { edges { node { id } } } }')
    uid: str = body["data"]["CoreAccount"]["edges"][0]["node"]["id"]
    return uid


async def test_edge_properties_are_kept_with_the_edge(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    alice_id = await _admin(api)
    red, blue = await _tag(api, "red"), await _tag(api, "blue")
    created = await _gql(api, """mutation { TestingPersonCreate(data: {name: {value: "Bob"}, tags: [
        {id: "%s", _relation__is_protected: true, _relation__source: "%s"}, {id: "%s"}]}) { object { id } } }"""
                         % (red, alice_id, blue))  # fmt: skip
    bob = created["data"]["TestingPersonCreate"]["object"]["id"]
    assert await _bob_tags(api) == {
        red: {**_DEFAULT, "is_protected": True, "source": {"id": alice_id}}, blue: _DEFAULT,
    }

    # an update naming the set again keeps the properties it does not set, sets those it does
    await _gql(api, """mutation { TestingPersonUpdate(data: {id: "%s", tags: [
        {id: "%s"}, {id: "%s", _relation__is_visible: false, _relation__owner: "%s"}]}) { ok } }"""
               % (bob, red, blue, alice_id))  # fmt: skip
    tags = await _bob_tags(api)
    assert tags[red] == {**_DEFAULT, "is_protected": True, "source": {"id": alice_id}}
    assert tags[blue] == {**_DEFAULT, "is_visible": False, "owner": {"id": alice_id}}

    # setting what the edge already holds changes nothing: no new version of Bob
    before = await _updated_at(api, bob)
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", tags: [{id: "%s", _relation__is_protected: true},'
                    ' {id: "%s"}]}) { ok } }' % (bob, red, blue))  # fmt: skip
    assert await _updated_at(api, bob) == before

    # the edge goes, its properties with it: added back, it has the defaults
    await _gql(api, 'mutation { RelationshipRemove(data: {id: "%s", name: "tags", nodes: [{id: "%s"}]}) { ok } }'
               % (bob, red))  # fmt: skip
    await _gql(api, 'mutation { RelationshipAdd(data: {id: "%s", name: "tags", nodes: [{id: "%s"}]}) { ok } }'
               % (bob, red))  # fmt: skip
    assert (await _bob_tags(api))[red] == _DEFAULT


async def test_an_edge_source_must_be_a_lineage_source(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    red = await _tag(api, "red")
    alice = (await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "Alice"}}) { object { id } } }'))
    alice_id = alice["data"]["TestingPersonCreate"]["object"]["id"]
    for source, reason in ((alice_id, "cannot be the source of a relationship"), ("nope", "Unable to find the node nope")):
        query = ('mutation { TestingPersonCreate(data: {name: {value: "Bob"}, tags: [{id: "%s", _relation__source: "%s"}]})'
                 " { ok } }" % (red, source))  # fmt: skip
        body = (await api.post("/graphql/main", json={"query": query}, headers=TOKEN_HEADERS)).json()
        (error,) = body["errors"]
        assert reason in error["message"] and "_relation__source" in error["message"], error
    people = await _gql(api, "query { TestingPerson { count } }")
    assert people["data"]["TestingPerson"]["count"] == 1  # Alice alone: nothing was created


async def test_both_ends_of_an_edge_show_its_properties(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    alice = (await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "Alice"}}) { object { id } } }'))
    alice_id = alice["data"]["TestingPersonCreate"]["object"]["id"]
    await _gql(api, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s", '
                    '_relation__is_protected: true}}) { ok } }' % alice_id)  # fmt: skip
    dog = await _gql(api, "query { TestingDog { edges { node { owner { %s } } } } }" % _PROPS)
    assert dog["data"]["TestingDog"]["edges"][0]["node"]["owner"]["properties"]["is_protected"] is True
    person = await _gql(api, 'query { TestingPerson(ids: ["%s"]) { edges { node { animals { edges { %s } } } } } }'
                        % (alice_id, _PROPS))  # fmt: skip
    (edge,) = person["data"]["TestingPerson"]["edges"][0]["node"]["animals"]["edges"]
    assert edge["properties"]["is_protected"] is True


async def test_a_branch_diffs_and_merges_edge_properties(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    red = await _tag(api, "red")
    created = await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "Bob"}, tags: [{id: "%s"}]}) '
                              "{ object { id } } }" % red)  # fmt: skip
    bob = created["data"]["TestingPersonCreate"]["object"]["id"]
    await _gql(api, 'mutation { BranchCreate(data: {name: "edges"}) { ok } }')
    await _gql(api, 'mutation { RelationshipAdd(data: {id: "%s", name: "tags", nodes: [{id: "%s", '
                    '_relation__is_protected: true}]}) { ok } }' % (bob, red), "edges")  # fmt: skip
    assert (await _bob_tags(api, "edges"))[red]["is_protected"] is True
    assert (await _bob_tags(api))[red]["is_protected"] is False  # main does not see the branch

    diff = (await api.get("/api/diff/data?branch=edges", headers=TOKEN_HEADERS)).json()
    (node,) = [n for n in diff["nodes"] if n["uuid"] == bob]
    (rel,) = node["relationships"]
    (element,) = rel["elements"]
    assert rel["name"] == "tags" and element["peer_id"] == red and element["status"] == "UPDATED"
    assert [(p["property_type"], p["previous_value"], p["new_value"]) for p in element["properties"]] == [
        ("IS_PROTECTED", "False", "True")
    ]

    merged = await _gql(api, 'mutation { BranchMerge(data: {name: "edges"}) { ok object { status } } }')
    assert merged["data"]["BranchMerge"]["object"]["status"] == "MERGED"
    assert (await _bob_tags(api))[red]["is_protected"] is True


async def test_an_edge_owner_changed_on_both_sides_is_a_conflict(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    admin = await _admin(api)
    other = await _gql(api, 'mutation { CoreAccountCreate(data: {name: {value: "other"}, password: {value: "secret-1"}})'
                            " { object { id } } }")  # fmt: skip
    other_id = other["data"]["CoreAccountCreate"]["object"]["id"]
    red = await _tag(api, "red")
    created = await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "Bob"}, tags: [{id: "%s"}]}) '
                              "{ object { id } } }" % red)  # fmt: skip
    bob = created["data"]["TestingPersonCreate"]["object"]["id"]
    await _gql(api, 'mutation { BranchCreate(data: {name: "owners"}) { ok } }')
    set_owner = 'mutation { RelationshipAdd(data: {id: "%s", name: "tags", nodes: [{id: "%s", _relation__owner: "%s"}]}) { ok } }'
    await _gql(api, set_owner % (bob, red, other_id), "owners")
    await _gql(api, set_owner % (bob, red, admin))

    diff = (await api.get("/api/diff/data?branch=owners", headers=TOKEN_HEADERS)).json()
    assert diff["num_conflicts"] == 1
    (node,) = [n for n in diff["nodes"] if n["uuid"] == bob]
    (prop,) = node["relationships"][0]["elements"][0]["properties"]
    assert prop["property_type"] == "HAS_OWNER" and prop["new_value"] == other_id
    conflict = prop["conflict"]
    assert (conflict["diff_branch_value"], conflict["base_branch_value"]) == (other_id, admin)
    refused = (await api.post("/graphql/main", json={"query": 'mutation { BranchMerge(data: {name: "owners"}) { ok } }'},
                              headers=TOKEN_HEADERS)).json()  # fmt: skip
    assert "unresolved conflict" in refused["errors"][0]["message"]

    kept = await api.post(f"/api/diff/conflicts/{conflict['uuid']}?branch=owners", json={"keep": "main"},
                          headers=TOKEN_HEADERS)  # fmt: skip
    assert kept.status_code == 200, kept.text
    await _gql(api, 'mutation { BranchMerge(data: {name: "owners"}) { ok } }')
    assert (await _bob_tags(api))[red]["owner"] == {"id": admin}  # main's value was kept
