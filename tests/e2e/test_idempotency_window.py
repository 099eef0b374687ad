"""The window the concurrent idempotency test found once in CI, made deterministic: a keyed
create checks its key (not stored yet), then the first request with the same key is stored and
projected, and only then is this one decided: against a read model already holding the first
object, so its unique name is taken. Its answer is the first request's object, not a refusal.

The first request goes through a second API (another replica): within one API process the
two would take the branch's write turn one after the other, and this window cannot open."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

import strata_api.mutations as mutations_module
from strata_api.app import create_app
from strata_api.idempotency import committed_seq
from strata_api.resources import Resources
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration

CREATE = "mutation($n: String!) { TestingPersonCreate(data: {name: {value: $n}}) { ok object { id } } }"


async def _create(api: AsyncTestClient, key: str, name: str) -> dict[str, Any]:  # type: ignore[type-arg]
    headers = dict(TOKEN_HEADERS, **{"Idempotency-Key": key})
    response = await api.post("/graphql/main", json={"query": CREATE, "variables": {"n": name}}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _create_on_another_replica(settings: Settings, key: str, name: str) -> dict[str, Any]:
    replica_settings = msgspec.structs.replace(settings, seed_test_accounts=True, read_your_writes_timeout_s=30.0)
    async with AsyncTestClient(app=create_app(Resources(replica_settings)), timeout=60) as replica:
        return await _create(replica, key, name)


async def test_a_key_stored_after_its_check_answers_instead_of_a_refusal(
    animals: AsyncTestClient, nc: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch  # type: ignore[type-arg]  # noqa: F811
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    key, name = uuid.uuid4().hex, f"once-{uuid.uuid4().hex[:6]}"
    real_check = committed_seq
    first: dict[str, Any] = {}

    async def check_then_let_the_first_land(*args: Any, **kwargs: Any) -> int | None:
        if not first:  # this request's check found nothing; the first request lands right after it
            monkeypatch.setattr(mutations_module, "committed_seq", real_check)
            # sent from another thread (this one is the app's, busy deciding the second request)
            # to another replica (this one holds main's write turn)
            first.update(await asyncio.to_thread(lambda: asyncio.run(_create_on_another_replica(settings, key, name))))
            return None
        return await real_check(*args, **kwargs)

    monkeypatch.setattr(mutations_module, "committed_seq", check_then_let_the_first_land)
    second = await _create(animals, key, name)
    assert first and not first.get("errors"), first
    head = await store.last_seq("main")
    assert not second.get("errors"), f"refused against the object its own key stored: {second}"
    assert second["data"] == first["data"]
    assert await store.last_seq("main") == head, "and nothing appended"
