"""What a bulk document may hold besides literals: variables (coerced as graphql-core's executor
coerces them, errors included), a directive on a root field, and refusals of several fields at
once; each decided in one pass and appended as one batch, or refused with nothing appended."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from tests.e2e.conftest import TOKEN_HEADERS
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration

_TWO = """mutation Two($first: String!, $second: String!, $tall: BigInt) {
  a: TestingPersonCreate(data: {name: {value: $first}, height: {value: $tall}}) { ok }
  b: TestingPersonCreate(data: {name: {value: $second}}) { ok object { name { value } height { value } } }
}"""


async def _send(api: AsyncTestClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.post("/graphql/main", json={"query": query, "variables": variables}, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _names(api: AsyncTestClient) -> list[str]:  # type: ignore[type-arg]
    body = await _gql(api, "{ TestingPerson { edges { node { name { value } height { value } } } } }")
    return [e["node"]["name"]["value"] for e in body["data"]["TestingPerson"]["edges"]]


async def test_variables_are_coerced_and_decided(animals: AsyncTestClient, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]  # noqa: F811
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    body = await _send(animals, _TWO, {"first": "Vera", "second": "Walt", "tall": 181})
    assert not body.get("errors"), body
    assert body["data"] == {"a": {"ok": True}, "b": {"ok": True, "object": {"name": {"value": "Walt"}, "height": {"value": None}}}}
    assert await _names(animals) == ["Vera", "Walt"]
    assert await store.last_seq("main") == before + 3  # two creates and their head: one batch
    tall = await _gql(animals, '{ TestingPerson(name__value: "Vera") { edges { node { height { value } } } } }')
    assert tall["data"]["TestingPerson"]["edges"][0]["node"]["height"]["value"] == 181


async def test_a_variable_refused_by_coercion_appends_nothing(
    animals: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]  # noqa: F811
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    missing = await _send(animals, _TWO, {"first": "Xena"})
    assert missing["data"] is None and len(missing["errors"]) == 1, missing
    assert "Variable '$second'" in missing["errors"][0]["message"] and "non-null type 'String!'" in missing["errors"][0]["message"]
    wrong = await _send(animals, _TWO, {"first": "Xena", "second": "Yann", "tall": "very"})
    assert wrong["data"] is None and "$tall" in wrong["errors"][0]["message"], wrong
    assert await store.last_seq("main") == before and await _names(animals) == []


async def test_a_field_skipped_by_a_directive_is_not_created(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]  # noqa: F811
    body = await _send(animals, """mutation Some($keep: Boolean!) {
      a: TestingPersonCreate(data: {name: {value: "Kept"}}) @include(if: $keep) { ok }
      b: TestingPersonCreate(data: {name: {value: "Dropped"}}) @skip(if: true) { ok }
      c: TestingPersonCreate(data: {name: {value: "Also kept"}}) { ok }
    }""", {"keep": True})
    assert not body.get("errors") and body["data"] == {"a": {"ok": True}, "c": {"ok": True}}, body
    assert await _names(animals) == ["Also kept", "Kept"]


async def test_every_refused_field_is_reported_with_its_path(
    animals: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]  # noqa: F811
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    body = await _gql(animals, """mutation {
      a: TestingPersonCreate(data: {name: {value: "Solo"}}) { ok }
      b: TestingPersonCreate(data: {name: {value: "Solo"}}) { ok }
      c: TestingPersonCreate(data: {name: {value: "Fine"}}) { ok }
      d: TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "no-such-person"}}) { ok }
    }""")
    assert body["data"] is None, body
    assert [e["path"] for e in body["errors"]] == [["b"], ["d"]]
    assert "uniqueness" in body["errors"][0]["message"].lower()
    assert all(e["locations"] for e in body["errors"])
    assert await store.last_seq("main") == before and await _names(animals) == []
