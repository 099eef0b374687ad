"""BranchCreate is one append on main; the stream made before it is harmless if that append
never happens (a crash between the two)."""

from __future__ import annotations

import uuid

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.test_branches_api import _create, _gql, _names
from tests.e2e.test_graphql_api import ANIMALS
from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration


async def test_create_is_one_append_on_main_and_an_empty_stream(api: AsyncTestClient, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    main_before = await store.last_seq("main")
    body = await _gql(api, 'mutation { BranchCreate(data: {name: "one"}) { object { id name status } } }')
    created = body["data"]["BranchCreate"]["object"]
    assert created["name"] == "one" and created["status"] == "OPEN"
    assert await store.last_seq("main") == main_before + 2  # branch.created + its head message
    assert await store.last_seq(created["id"]) == 0  # the branch's stream exists, empty


async def test_a_stream_left_without_its_main_event_is_harmless(api: AsyncTestClient, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]
    """What a crash after the stream and before main's append leaves: nothing names it."""
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    orphan = uuid.uuid4().hex
    await store.ensure_branch_stream(orphan)
    listed = await _gql(api, "query { Branch { id name } }")
    assert orphan not in [b["id"] for b in listed["data"]["Branch"]]
    # the projector keeps going, the name is free, and a branch made now works as any other
    await _gql(api, 'mutation { BranchCreate(data: {name: "after-crash"}) { ok } }')
    await _create(api, "Bob", "after-crash")
    await _create(api, "Alice")
    assert await _names(api, "after-crash") == ["Bob"]
    assert await _names(api, "main") == ["Alice"]
    assert await store.last_seq(orphan) == 0
