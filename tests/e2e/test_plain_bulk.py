"""Plain bulk documents (literal creates each selecting `ok`) are read without an AST; one the
plain path refuses, or that is not plain, is answered by the general path with its errors."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from prometheus_client import REGISTRY

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration


def _answered(path: str) -> float:
    return REGISTRY.get_sample_value("strata_bulk_documents_total", {"path": path}) or 0.0


async def _people(api: AsyncTestClient) -> list[tuple[str, int | None]]:  # type: ignore[type-arg]
    body = await _gql(api, "{ TestingPerson { edges { node { name { value } height { value } } } } }")
    return [(e["node"]["name"]["value"], e["node"]["height"]["value"]) for e in body["data"]["TestingPerson"]["edges"]]


async def test_a_plain_document_is_decided_and_stored_as_one_batch(
    animals: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]  # noqa: F811
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before, plain = await store.last_seq("main"), _answered("plain")
    body = await _gql(animals, """mutation People {
      a: TestingPersonCreate(data: {id: "18f19d34-f948-4924-b49b-463f6d02a565", name: {value: "Ann \\"A\\""}, height: {value: 170}}) { ok }
      b: TestingPersonCreate(data: {name: {value: "Ben"}, height: {value: null}},) { ok }  # commas, comments
      c: TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "18f19d34-f948-4924-b49b-463f6d02a565"}}) { ok }
    }""")
    assert body == {"data": {"a": {"ok": True}, "b": {"ok": True}, "c": {"ok": True}}}, body
    assert _answered("plain") == plain + 1
    assert await _people(animals) == [('Ann "A"', 170), ("Ben", None)]
    dog = await _gql(animals, '{ TestingDog { edges { node { owner { node { name { value } } } } } } }')
    assert dog["data"]["TestingDog"]["edges"][0]["node"]["owner"]["node"]["name"]["value"] == 'Ann "A"'
    # three creates, the back-reference on Ann, and the head: one batch
    assert await store.last_seq("main") == before + 5


async def test_a_refused_plain_document_is_reported_as_the_general_path_reports_it(
    animals: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]  # noqa: F811
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before, refused = await store.last_seq("main"), _answered("plain_refused")
    body = await _gql(animals, """mutation {
      a: TestingPersonCreate(data: {name: {value: "Solo"}}) { ok }
      b: TestingPersonCreate(data: {name: {value: "Solo"}}) { ok }
    }""")
    assert body["data"] is None and [e["path"] for e in body["errors"]] == [["b"]], body
    assert body["errors"][0]["locations"] == [{"line": 3, "column": 7}]
    assert _answered("plain_refused") == refused + 1
    assert await store.last_seq("main") == before and await _people(animals) == []


async def test_documents_outside_the_plain_subset_take_the_general_path(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]  # noqa: F811
    general = _answered("general")
    twice = await _gql(animals, """mutation {
      a: TestingPersonCreate(data: {name: {value: "One"}}) { ok }
      a: TestingPersonCreate(data: {name: {value: "Two"}}) { ok }
    }""")
    assert twice["data"] is None and "conflict" in twice["errors"][0]["message"], twice
    wrong = await _gql(animals, """mutation {
      a: TestingPersonCreate(data: {name: {value: "One"}, height: {value: "tall"}}) { ok }
      b: TestingPersonCreate(data: {name: {value: "Two"}}) { ok }
    }""")
    assert wrong["data"] is None and "BigInt cannot represent" in wrong["errors"][0]["message"], wrong
    assert await _people(animals) == []
    answered = await _gql(animals, """mutation {
      a: TestingPersonCreate(data: {name: {value: "One"}}) { ok object { name { value } } }
      b: TestingPersonCreate(data: {name: {value: "Two"}}) { ok }
    }""")
    assert answered["data"]["a"] == {"ok": True, "object": {"name": {"value": "One"}}}, answered
    assert _answered("general") == general + 1  # the first two never reached a decision
