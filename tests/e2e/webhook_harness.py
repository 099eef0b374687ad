"""Webhook test plumbing: webhook objects through GraphQL, feed events published straight to
the feed stream (the relay's interface), and the worker's webhook service run in the test loop."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import nats.js.errors
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from nats.js.api import StreamConfig
from neo4j import AsyncDriver

from strata_feed.contract import FeedEvent, FeedNames
from strata_webhooks.options import WebhookOptions
from strata_webhooks.service import WebhookService
from tests.e2e.conftest import TOKEN_HEADERS

_CREATE = """mutation($data: CoreStandardWebhookCreateInput!) {
  CoreStandardWebhookCreate(data: $data) { ok object { id } } }"""
_seq = itertools.count(1)


async def gql(api: AsyncTestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:  # type: ignore[type-arg]  # litestar's client is generic over the app
    response = await api.post("/graphql/main", json={"query": query, "variables": variables or {}},
                              headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_webhook(api: AsyncTestClient, **fields: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    """The GraphQL answer to `CoreStandardWebhookCreate` with these attribute values."""
    values = {"name": f"hook-{next(_seq)}", "shared_key": "whsec_c2VjcmV0LWtleQ==", **fields}
    return await gql(api, _CREATE, {"data": {name: {"value": value} for name, value in values.items()}})


async def webhook_id(api: AsyncTestClient, **fields: Any) -> str:  # type: ignore[type-arg]
    body = await create_webhook(api, **fields)
    assert not body.get("errors"), body
    uid: str = body["data"]["CoreStandardWebhookCreate"]["object"]["id"]
    return uid


async def deliveries(api: AsyncTestClient, uid: str) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    response = await api.get(f"/api/webhooks/{uid}/deliveries", headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


class Feed:
    def __init__(self, nc: Client, prefix: str) -> None:
        self._js = nc.jetstream()
        self.names = FeedNames(prefix=prefix)

    async def create_stream(self) -> None:
        """The feed stream as the relay would create it (left as it is when the relay did)."""
        try:
            await self._js.stream_info(self.names.stream)
        except nats.js.errors.NotFoundError:
            await self._js.add_stream(StreamConfig(name=self.names.stream, subjects=[self.names.all_subjects]))

    async def publish(self, type_: str, branch: str = "main", kind: str | None = "BuiltinTag",
                      **extra: Any) -> FeedEvent:
        seq = next(_seq)
        branch_id = "main" if branch == "main" else f"b{abs(hash(branch)) % 10**8}"
        event = FeedEvent(id=f"{branch_id}:{seq}:0", type=type_, branch=branch, branch_id=branch_id, seq=seq,  # type: ignore[arg-type]  # tests pass plain strings
                          occurred_at="2026-11-23T12:00:00+00:00", kind=kind, actor="tester", **extra)
        await self._js.publish(self.names.subject(branch_id, type_, kind), msgspec.json.encode(event),
                               headers={"Nats-Msg-Id": event.id})
        return event

    async def drained(self) -> bool:
        """Every feed message was taken and acknowledged by the webhook fan-out."""
        info = await self._js.consumer_info(self.names.stream, "webhooks")
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)


@asynccontextmanager
async def webhook_worker(nc: Client, driver: AsyncDriver, prefix: str, **options: Any) -> AsyncIterator[WebhookService]:
    """The worker's webhook side, running until the block ends (like a worker process stopping)."""
    service = WebhookService(nc.jetstream(), driver, "neo4j", prefix, WebhookOptions(**options))
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        await asyncio.wait_for(service.ready.wait(), 30)
        yield service
    finally:
        stop.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 30.0, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
