"""The `strata worker` process delivers webhooks, and a delivery it held when it was killed
(SIGKILL, mid-backoff) is delivered by the next worker process."""

from __future__ import annotations

import asyncio
import os
import sys

import nats.js.errors
import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from standardwebhooks import Webhook

from strata_core.settings import Settings
from tests.e2e.webhook_harness import Feed, deliveries, until, webhook_id
from tests.e2e.webhook_receiver import Receiver, serving

pytestmark = pytest.mark.integration

SECRET = "whsec_c2VjcmV0LWZvci10aGUtd29ya2VyLXRlc3Q="


async def _start_worker(settings: Settings) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "STRATA_NATS_URL": settings.nats_url, "STRATA_NEO4J_URI": settings.neo4j_uri,
        "STRATA_STREAM_PREFIX": settings.stream_prefix, "STRATA_LOG_LEVEL": "warning",
        "STRATA_WEBHOOK_RETRY_BASE_S": "60", "STRATA_WEBHOOK_ACK_WAIT_S": "2",
    }  # fmt: skip
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "strata_worker", env=env)


async def test_a_killed_worker_process_loses_no_delivery(
    api: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    feed = Feed(nc, settings.stream_prefix)
    await feed.create_stream()
    js = nc.jetstream()

    async def consuming() -> bool:
        try:
            await js.consumer_info(feed.names.stream, "webhooks")
        except nats.js.errors.NotFoundError:
            return False
        return True

    async def attempted() -> bool:
        found = await deliveries(api, uid)
        return bool(found) and len(found[0]["attempts"]) == 1

    async def delivered() -> bool:
        return [d["state"] for d in await deliveries(api, uid)] == ["delivered"]

    with serving(Receiver(statuses=[503])) as receiver:
        # Narrow filters: a worker that also runs the feed relay publishes the store's own events.
        uid = await webhook_id(api, url=receiver.url(), shared_key=SECRET, event_type=["node.updated"],
                               node_kind="TestingWidget")
        first = await _start_worker(settings)
        try:
            await until(consuming, timeout=60, what="the worker's feed consumer")
            await feed.publish("node.updated", kind="TestingWidget")
            await until(attempted, timeout=60, what="the first attempt")
        finally:
            first.kill()
            await first.wait()
        second = await _start_worker(settings)
        try:
            await until(delivered, timeout=60, what="the delivery by the second worker")
        finally:
            second.terminate()
            await second.wait()
        [record] = await deliveries(api, uid)
    assert [(a["number"], a["status_code"]) for a in record["attempts"]] == [(1, 503), (2, 200)]
    assert len(receiver.received) == 2
    Webhook(SECRET).verify(receiver.received[1].body, receiver.received[1].headers)
