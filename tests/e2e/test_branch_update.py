"""BranchUpdate: a branch's description changes by one `branch.updated` on main; refusals
append nothing."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_events import BranchUpdated
from strata_eventstore import EventStore, StreamNames
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _gql

pytestmark = pytest.mark.integration


async def _post(api: AsyncTestClient, query: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.post("/graphql/main", json={"query": query}, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _description(api: AsyncTestClient, name: str) -> str:  # type: ignore[type-arg]
    body = await _gql(api, 'query { Branch(name: "%s") { name description } }' % name)
    (branch,) = body["data"]["Branch"]
    return str(branch["description"])


async def _branch_made(api: AsyncTestClient, nc: Client, settings: Settings, name: str, description: str) -> EventStore:  # type: ignore[type-arg]
    """Make the branch; the store of its events."""
    await _gql(api, 'mutation { BranchCreate(data: {name: "%s", description: "%s"}) { ok } }' % (name, description))
    return EventStore(nc, StreamNames(prefix=settings.stream_prefix))


async def test_update_records_the_description_and_reads_see_it_at_once(
    api: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    store = await _branch_made(api, nc, settings, "docs", "first")
    before = await store.last_seq("main")
    body = await _gql(api, 'mutation { BranchUpdate(data: {name: "docs", description: "second"}) { ok } }')
    assert body["data"]["BranchUpdate"] == {"ok": True}
    assert await _description(api, "docs") == "second"  # the mutation waited for its projection
    appended = [e async for e in store.iter_range("main", before + 1)]
    assert [type(e.event) for e in appended][0] is BranchUpdated
    assert appended[0].event.description == "second"  # type: ignore[union-attr]
    # without a description nothing changes and nothing is appended
    head = await store.last_seq("main")
    body = await _gql(api, 'mutation { BranchUpdate(data: {name: "docs", is_isolated: true}) { ok } }')
    assert body["data"]["BranchUpdate"] == {"ok": True}
    assert await store.last_seq("main") == head
    assert await _description(api, "docs") == "second"


async def test_refusals_name_the_reason_and_append_nothing(
    api: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    store = await _branch_made(api, nc, settings, "kept", "as is")
    head = await store.last_seq("main")
    unknown = await _post(api, 'mutation { BranchUpdate(data: {name: "nowhere", description: "x"}) { ok } }')
    assert unknown["errors"] and "nowhere" in unknown["errors"][0]["message"]
    shared = await _post(api, 'mutation { BranchUpdate(data: {name: "kept", description: "x", is_isolated: false}) { ok } }')
    assert shared["errors"] and "is_isolated" in shared["errors"][0]["message"]
    assert await store.last_seq("main") == head
    assert await _description(api, "kept") == "as is"
