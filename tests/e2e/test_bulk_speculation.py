"""The bulk path decides creates on assumptions it verifies before appending: a false one
(a stored object already holds the value or the id) must end as the same per-field GraphQL error
the exact path gives, with nothing appended; peers that exist only in the graph still resolve."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration


async def _seed(client: AsyncTestClient) -> dict[str, Any]:  # type: ignore[type-arg]
    body = await _gql(client, """mutation {
      a: TestingPersonCreate(data: {name: {value: "Ann"}}) { ok object { id } }
      t: BuiltinTagCreate(data: {name: {value: "blue"}}) { ok object { id } }
    }""")
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


async def test_a_value_held_by_a_stored_object_is_refused_per_field(
    animals: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]  # noqa: F811
) -> None:
    await _seed(animals)
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    body = await _gql(animals, """mutation {
      x: TestingPersonCreate(data: {name: {value: "Zed"}}) { ok }
      y: TestingPersonCreate(data: {name: {value: "Ann"}}) { ok }
    }""")
    assert body.get("errors"), body
    assert body["errors"][0]["path"] == ["y"]
    assert "uniqueness" in body["errors"][0]["message"].lower()
    assert await store.last_seq("main") == before


async def test_an_id_in_use_is_refused_per_field(animals: AsyncTestClient, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]  # noqa: F811
    seeded = await _seed(animals)
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    taken = seeded["t"]["object"]["id"]
    body = await _gql(animals, """mutation {
      x: TestingPersonCreate(data: {name: {value: "Zed"}}) { ok }
      y: TestingPersonCreate(data: {id: "%s", name: {value: "Yan"}}) { ok }
    }""" % taken)
    assert body.get("errors") and body["errors"][0]["path"] == ["y"], body
    assert "already in use" in body["errors"][0]["message"]
    assert await store.last_seq("main") == before


async def test_stored_peers_by_id_and_by_name_resolve(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]  # noqa: F811
    seeded = await _seed(animals)
    ann = seeded["a"]["object"]["id"]
    body = await _gql(animals, """mutation {
      d: TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok object { owner { node { id } } } }
      p: TestingPersonCreate(data: {name: {value: "Bob"}, tags: [{id: "blue"}]}) { ok object { tags { count } } }
    }""" % ann)
    assert not body.get("errors"), body
    assert body["data"]["d"]["object"]["owner"]["node"]["id"] == ann
    assert body["data"]["p"]["object"]["tags"]["count"] == 1


async def test_a_multi_field_constraint_held_by_a_stored_object_is_refused(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]  # noqa: F811
    ann = (await _seed(animals))["a"]["object"]["id"]
    first = await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok } }' % ann)
    assert not first.get("errors"), first
    body = await _gql(animals, """mutation {
      b: TestingPersonCreate(data: {name: {value: "Bea"}}) { ok }
      d: TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok }
    }""" % ann)
    assert body.get("errors") and body["errors"][0]["path"] == ["d"], body
    assert "uniqueness" in body["errors"][0]["message"].lower()


@pytest.mark.parametrize("where", [3, 450])  # in the first background check, or in the last
async def test_assumptions_checked_while_a_long_document_is_decided_refuse_as_at_the_end(
    animals: AsyncTestClient, nc: Client, settings: Settings, where: int  # type: ignore[type-arg]  # noqa: F811
) -> None:
    await _seed(animals)
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    fields = [f'c{i}: TestingPersonCreate(data: {{name: {{value: "{"Ann" if i == where else f"P{i}"}"}}}}) {{ ok }}'
              for i in range(500)]  # fmt: skip
    body = await _gql(animals, "mutation {\n" + "\n".join(fields) + "\n}")
    assert body["data"] is None and [e["path"] for e in body["errors"]] == [[f"c{where}"]], body
    assert "uniqueness" in body["errors"][0]["message"].lower()
    assert await store.last_seq("main") == before
    fine = await _gql(animals, "mutation {\n" + "\n".join(f.replace('"Ann"', '"Bea"') for f in fields) + "\n}")
    assert not fine.get("errors") and len(fine["data"]) == 500, str(fine)[:300]
    assert await store.last_seq("main") == before + 501
