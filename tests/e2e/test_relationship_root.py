"""The `Relationship` root field, as `infrahubctl export` reads it: one edge per linked pair
through the identifiers asked (a link kept on both ends is one edge), paged with a total
count, namespaces left out on request; and the seeded admin's group and role are linked."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

TAGS = "builtintag__testingperson"  # the identifier made for TestingPerson.tags
LINKS = """query ($ids: [String!]!, $x: [String], $offset: Int, $limit: Int) {
  Relationship(ids: $ids, excluded_namespaces: $x, offset: $offset, limit: $limit) {
    count edges { node { id identifier peers { id kind } } } } }"""


async def _gql(api: AsyncTestClient, query: str, **variables: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.post("/graphql/main", json={"query": query, "variables": variables}, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


async def _create(api: AsyncTestClient, kind: str, data: str) -> str:  # type: ignore[type-arg]
    created = await _gql(api, "mutation { %sCreate(data: {%s}) { object { id } } }" % (kind, data))
    return str(created[f"{kind}Create"]["object"]["id"])


def _pairs(answer: dict[str, Any]) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(identifier, the peers in sorted order) of each edge, in sorted order."""
    return sorted(
        (e["node"]["identifier"], tuple(sorted((p["id"], p["kind"]) for p in e["node"]["peers"])))
        for e in answer["Relationship"]["edges"]
    )


async def test_links_through_the_identifiers_asked(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    red = await _create(api, "BuiltinTag", 'name: {value: "red"}')
    blue = await _create(api, "BuiltinTag", 'name: {value: "blue"}')
    alice = await _create(api, "TestingPerson", f'name: {{value: "Alice"}}, tags: [{{id: "{red}"}}, {{id: "{blue}"}}]')
    bob = await _create(api, "TestingPerson", f'name: {{value: "Bob"}}, tags: [{{id: "{red}"}}]')
    rex = await _create(api, "TestingDog", f'name: {{value: "Rex"}}, owner: {{id: "{alice}"}}')

    answer = await _gql(api, LINKS, ids=["person__animal", TAGS])
    assert answer["Relationship"]["count"] == 4
    expected = [
        ("person__animal", [(alice, "TestingPerson"), (rex, "TestingDog")]),  # held on both ends: once
        (TAGS, [(alice, "TestingPerson"), (red, "BuiltinTag")]),
        (TAGS, [(alice, "TestingPerson"), (blue, "BuiltinTag")]),
        (TAGS, [(bob, "TestingPerson"), (red, "BuiltinTag")]),
    ]
    assert _pairs(answer) == sorted((i, tuple(sorted(peers))) for i, peers in expected)
    # the holder comes first: the tags are held by the people only
    assert {e["node"]["peers"][0]["kind"] for e in answer["Relationship"]["edges"] if e["node"]["identifier"] == TAGS} == {
        "TestingPerson"}  # fmt: skip
    again = await _gql(api, LINKS, ids=["person__animal", TAGS])
    assert [e["node"]["id"] for e in again["Relationship"]["edges"]] == [e["node"]["id"] for e in answer["Relationship"]["edges"]]

    pages = [await _gql(api, LINKS, ids=["person__animal", TAGS], offset=o, limit=3) for o in (0, 3)]
    assert [p["Relationship"]["count"] for p in pages] == [4, 4]
    assert [e for p in pages for e in p["Relationship"]["edges"]] == answer["Relationship"]["edges"]

    without_tags = await _gql(api, LINKS, ids=["person__animal", TAGS], x=["Builtin"])
    assert [i for i, _ in _pairs(without_tags)] == ["person__animal"]

    await _gql(api, 'mutation { TestingPersonDelete(data: {id: "%s"}) { ok } }' % bob)
    after = await _gql(api, LINKS, ids=[TAGS])
    assert after["Relationship"]["count"] == 2
    assert all(bob not in {p["id"] for p in e["node"]["peers"]} for e in after["Relationship"]["edges"])
    assert (await _gql(api, LINKS, ids=["no_such_identifier"]))["Relationship"] == {"count": 0, "edges": []}


async def test_the_seeded_admin_is_a_super_administrator(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    groups = await _gql(api, """{ CoreAccountGroup { edges { node { name { value }
        members { edges { node { ... on CoreAccount { name { value } } } } }
        roles { edges { node { name { value } permissions { edges { node { identifier { value } } } } } } } } } } }""")
    [group] = [e["node"] for e in groups["CoreAccountGroup"]["edges"]]
    assert group["name"]["value"] == "Super Administrators"
    assert [m["node"]["name"]["value"] for m in group["members"]["edges"]] == ["admin"]
    [role] = [r["node"] for r in group["roles"]["edges"]]
    assert role["name"]["value"] == "Super Administrator"
    assert [p["node"]["identifier"]["value"] for p in role["permissions"]["edges"]] == ["global:super_admin:allow_all"]
    links = await _gql(api, LINKS, ids=["role__accountgroups"])
    assert [{p["kind"] for p in e["node"]["peers"]} for e in links["Relationship"]["edges"]] == [
        {"CoreAccountGroup", "CoreAccountRole"}]  # fmt: skip
