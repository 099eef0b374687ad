"""`strata worker` relays the feed: SIGKILLed while changes keep coming and started again, the
feed ends up with every change exactly once, in each branch's order."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.integration.eventgen import append_workload
from tests.integration.feed.feed_reading import read_feed, start_projector, wait_for

pytestmark = pytest.mark.integration


def _worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
    env.update(STRATA_NATS_URL=settings.nats_url, STRATA_NEO4J_URI=settings.neo4j_uri,
               STRATA_STREAM_PREFIX=settings.stream_prefix, STRATA_LOG_FORMAT="json")  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "strata_worker"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)  # fmt: skip


async def _feed_size(nc: Client, prefix: str) -> int:
    return len(await read_feed(nc, prefix))


async def test_worker_killed_mid_stream_and_restarted_loses_nothing(
    nc: Client, neo4j_driver: AsyncDriver, settings: Settings, tmp_path: Path
) -> None:
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    log = tmp_path / "worker.log"
    projector = await start_projector(nc, neo4j_driver, settings)
    worker = _worker(settings, log)
    try:
        await append_workload(store, "main", mutations=20, per_mutation=10, seed=11)

        async def some() -> bool:
            return await _feed_size(nc, settings.stream_prefix) >= 50

        await wait_for(some, timeout_s=90)
        async def paced_writes() -> None:  # 30 more mutations, spread over ~1.5 s
            for n in range(30):
                await append_workload(store, "main", mutations=1, per_mutation=10, seed=12 + n)
                await asyncio.sleep(0.05)

        # all 30 at once were appended and relayed within the 0.3 s before the kill (a CI run
        # of a faster relay): the kill must land while changes are still coming
        writer = asyncio.create_task(paced_writes())
        await asyncio.sleep(0.3)
        worker.send_signal(signal.SIGKILL)  # while changes keep coming
        worker.wait(10)
        await writer
        at_kill = await _feed_size(nc, settings.stream_prefix)
        worker = _worker(settings, log)  # waits out the dead holder's relay lock (15 s TTL)

        async def everything() -> bool:
            return await _feed_size(nc, settings.stream_prefix) >= 500

        await wait_for(everything, timeout_s=120)
        await asyncio.sleep(1.0)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0, log.read_text()[-2000:]
    finally:
        if worker.poll() is None:
            worker.kill()
        await projector.stop()
    assert at_kill < 500, "the kill must land before the relay was done"
    feed = [e for _, _, e in await read_feed(nc, settings.stream_prefix)]
    assert len(feed) == 500 and len({e.id for e in feed}) == 500
    assert [e.seq for e in feed] == sorted(e.seq for e in feed)
    assert "feed_relay_leading" in log.read_text()
