"""GraphQL end to end: mutations append events, the projector folds them, queries read them."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration

ANIMALS = {"schemas": [{"version": "1.0", "generics": [
    {"name": "Animal", "namespace": "Testing", "human_friendly_id": ["owner__name__value", "name__value"],
     "uniqueness_constraints": [["owner", "name__value"]], "display_labels": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text"}, {"name": "weight", "kind": "Number", "optional": True}],
     "relationships": [{"name": "owner", "peer": "TestingPerson", "optional": False, "identifier": "person__animal",
                        "cardinality": "one", "direction": "outbound"}]},
], "nodes": [
    {"name": "Dog", "namespace": "Testing", "inherit_from": ["TestingAnimal"],
     "attributes": [{"name": "breed", "kind": "Text", "optional": True}]},
    {"name": "Person", "namespace": "Testing", "default_filter": "name__value", "display_labels": ["name__value"],
     "human_friendly_id": ["name__value"], "order_by": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True},
                    {"name": "height", "kind": "Number", "optional": True}],
     "relationships": [{"name": "animals", "peer": "TestingAnimal", "identifier": "person__animal",
                        "cardinality": "many", "direction": "inbound"},
                       {"name": "tags", "peer": "BuiltinTag", "cardinality": "many", "optional": True}]},
]}]}  # fmt: skip


async def _gql(api: AsyncTestClient, query: str, branch: str = "main") -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.post(f"/graphql/{branch}", json={"query": query}, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def animals(api: AsyncTestClient) -> AsyncTestClient:  # type: ignore[type-arg]
    loaded = await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)
    assert loaded.status_code == 200, loaded.text
    return api


async def test_create_then_query_with_filters_and_nested_peers(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice = await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Alice"}, height: {value: 170}}) { ok object { id } } }')
    alice_id = alice["data"]["TestingPersonCreate"]["object"]["id"]
    await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Bob"}}) { ok } }')
    dog = await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, breed: {value: "lab"}, owner: {id: "%s"}}) { ok object { id } } }' % alice_id)
    assert dog["data"]["TestingDogCreate"]["ok"] is True
    people = await _gql(animals, "query { TestingPerson { count edges { node { id hfid display_label name { value } animals { count edges { node { __typename display_label ... on TestingDog { breed { value } } } } } } } } }")
    edges = people["data"]["TestingPerson"]["edges"]
    assert people["data"]["TestingPerson"]["count"] == 2
    assert [e["node"]["name"]["value"] for e in edges] == ["Alice", "Bob"]  # the schema's order_by
    assert edges[0]["node"]["hfid"] == ["Alice"]
    animals_of_alice = edges[0]["node"]["animals"]
    assert animals_of_alice["count"] == 1
    assert animals_of_alice["edges"][0]["node"] == {"__typename": "TestingDog", "display_label": "Rex", "breed": {"value": "lab"}}
    filtered = await _gql(animals, 'query { TestingPerson(name__value: "Bob") { count } TestingAnimal(owner__ids: ["%s"]) { count edges { node { hfid } } } }' % alice_id)
    assert filtered["data"]["TestingPerson"]["count"] == 1
    assert filtered["data"]["TestingAnimal"]["edges"][0]["node"]["hfid"] == ["Alice", "Rex"]
    partial = await _gql(animals, 'query { TestingPerson(name__value: "li", partial_match: true) { count } }')
    assert partial["data"]["TestingPerson"]["count"] == 1
    paged = await _gql(animals, "query { TestingPerson(offset: 1, limit: 1) { count edges { node { name { value } } } } }")
    assert paged["data"]["TestingPerson"]["count"] == 2
    assert [e["node"]["name"]["value"] for e in paged["data"]["TestingPerson"]["edges"]] == ["Bob"]


async def test_update_upsert_and_delete(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]
    created = await _gql(animals, 'mutation { TestingPersonUpsert(data: {name: {value: "Carol"}}) { ok object { id } } }')
    carol = created["data"]["TestingPersonUpsert"]["object"]["id"]
    again = await _gql(animals, 'mutation { TestingPersonUpsert(data: {name: {value: "Carol"}, height: {value: 160}}) { ok object { id height { value } } } }')
    assert again["data"]["TestingPersonUpsert"]["object"] == {"id": carol, "height": {"value": 160}}
    await _gql(animals, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 165}}) { ok } }' % carol)
    read = await _gql(animals, 'query { TestingPerson(ids: ["%s"]) { edges { node { height { value is_default } } } } }' % carol)
    assert read["data"]["TestingPerson"]["edges"][0]["node"]["height"] == {"value": 165, "is_default": False}
    await _gql(animals, 'mutation { TestingPersonDelete(data: {id: "%s"}) { ok } }' % carol)
    gone = await _gql(animals, "query { TestingPerson { count } }")
    assert gone["data"]["TestingPerson"]["count"] == 0


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        ('TestingPersonCreate(data: {height: {value: 170}})', "name"),
        ('TestingPersonCreate(data: {name: {value: "Alice"}, height: {value: "tall"}})', "tall"),
        ('TestingPersonCreate(data: {name: {value: "Zed"}, shoe: {value: 9}})', "shoe"),
        ('TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "no-such-id"}})', "no-such-id"),
        ('TestingPersonCreate(data: {name: {value: "Alice"}})', "uniqueness"),
    ],
)
async def test_bad_input_is_a_graphql_error_and_appends_nothing(
    animals: AsyncTestClient, nc: Client, settings: Settings, mutation: str, expected: str  # type: ignore[type-arg]
) -> None:
    await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Alice"}}) { ok } }')
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    body = await _gql(animals, "mutation { %s { ok } }" % mutation)
    assert body.get("errors"), body
    text = " ".join(str(e) for e in body["errors"])
    assert expected.lower() in text.lower(), text
    assert "internal error" not in text
    assert await store.last_seq("main") == before


async def test_writes_need_an_account_and_unknown_branch_is_404(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]
    anonymous = await animals.post("/graphql/main", json={"query": 'mutation { TestingPersonCreate(data: {name: {value: "X"}}) { ok } }'})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "auth.required"
    unknown = await animals.post("/graphql/nope", json={"query": "query { TestingPerson { count } }"})
    assert unknown.status_code == 404 and unknown.json()["errors"]


async def test_many_creates_in_one_document_are_one_atomic_batch(
    animals: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    body = await _gql(animals, """mutation {
      a: TestingPersonCreate(data: {name: {value: "Ann"}}) { ok object { id name { value } } }
      b: TestingPersonCreate(data: {name: {value: "Ben"}, height: {value: 190}}) { ok object { name { value } } }
      c: BuiltinTagCreate(data: {name: {value: "green"}}) { ok }
    }""")
    assert not body.get("errors"), body
    assert body["data"]["a"]["object"]["name"]["value"] == "Ann" and body["data"]["a"]["object"]["id"]
    assert body["data"]["b"]["object"]["name"]["value"] == "Ben"
    assert await store.last_seq("main") == before + 4  # three creates and one head message
    heads = [e for e in await store.read_range("main", before + 1) if e.subject.endswith(".head")]
    assert len(heads) == 1
    duplicate = await _gql(animals, """mutation {
      x: TestingPersonCreate(data: {name: {value: "Cy"}}) { ok }
      y: TestingPersonCreate(data: {name: {value: "Cy"}}) { ok }
    }""")
    assert duplicate.get("errors") and "uniqueness" in str(duplicate["errors"]).lower()
    assert duplicate["data"] is None  # no field answers `ok` when nothing was created
    assert await store.last_seq("main") == before + 4, "a refused bulk appends nothing"


async def test_a_large_bulk_document_is_refused_or_applied_whole(
    animals: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    """Large bulk documents are validated by one field per shape; a literal only the whole
    document's validation refuses must still be refused with validation's error."""
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    fields = [
        f'p{i}: TestingPersonCreate(data: {{name: {{value: "Person {i:04d}"}}, height: {{value: {150 + i % 50}}}}}) {{ ok }}'
        for i in range(400)
    ]
    assert len(" ".join(fields)) > 20_000  # the large-document path
    wide = list(fields)
    wide[250] = wide[250].replace("height: {value: ", "height: {value: 99999999999999999999")  # over 64 bits
    refused = await _gql(animals, "mutation { %s }" % " ".join(wide))
    assert refused.get("errors") and refused.get("data") is None, refused
    assert "BigInt cannot represent 99999999999999999999" in refused["errors"][0]["message"]
    assert refused["errors"][0]["locations"] == [{"line": 1, "column": wide[250].index("9999") + len(" ".join(wide[:250])) + 13}]  # 1-based
    assert await store.last_seq("main") == before, "a refused bulk appends nothing"
    applied = await _gql(animals, "mutation { %s }" % " ".join(fields))
    assert not applied.get("errors") and list(applied["data"]) == [f"p{i}" for i in range(400)], applied
    assert all(answer == {"ok": True} for answer in applied["data"].values())
    assert await store.last_seq("main") == before + 401  # one batch: 400 creates and its head
    # a refusal decided while running (not by validation) names its field, with its location
    again = [f.replace("Person ", "Other ") if i != 300 else f for i, f in enumerate(fields)]
    taken = await _gql(animals, "mutation { %s }" % " ".join(again))
    assert taken.get("data") is None and len(taken["errors"]) == 1, taken
    assert "uniqueness constraint 'name'" in taken["errors"][0]["message"] and taken["errors"][0]["path"] == ["p300"]
    assert taken["errors"][0]["locations"] == [{"line": 1, "column": len("mutation { ") + len(" ".join(again[:300])) + 2}]
    assert await store.last_seq("main") == before + 401
    counted = await _gql(animals, 'query { TestingPerson(name__value: "Person", partial_match: true) { count } }')
    assert counted["data"]["TestingPerson"]["count"] == 400


async def test_the_default_ip_namespace_exists_from_the_start(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = await _gql(api, 'query { IpamNamespace(name__value: "default") { count edges { node { default { value } } } } }')
    assert body["data"]["IpamNamespace"]["count"] == 1
    assert body["data"]["IpamNamespace"]["edges"][0]["node"]["default"]["value"] is True
