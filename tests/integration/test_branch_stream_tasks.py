"""Following branch streams costs no listing while nothing changes: a round lists the streams
again only when a task ended (or NATS reconnected, or the long interval passed)."""

from __future__ import annotations

import asyncio
import collections
import uuid

import pytest
import structlog
from nats.aio.client import Client

from strata_eventstore import EventStore, StreamNames
from strata_eventstore.branch_stream_tasks import BranchStreamTasks

pytestmark = pytest.mark.integration


async def test_rounds_list_the_streams_only_after_a_task_ended(nc: Client) -> None:
    store = EventStore(nc, StreamNames(prefix=f"TASKS{uuid.uuid4().hex[:8].upper()}"))
    for branch_id in ("main", "b1"):
        await store.ensure_branch_stream(branch_id)
    listings: list[list[str] | None] = []
    listed = store.branch_ids_if_reachable

    async def counted() -> list[str] | None:
        listings.append(await listed())
        return listings[-1]

    store.branch_ids_if_reachable = counted  # type: ignore[method-assign]
    starts: collections.Counter[str] = collections.Counter()
    fail = {"main": asyncio.Event(), "b1": asyncio.Event()}

    async def runner(branch_id: str) -> None:
        await fail[branch_id].wait()
        fail[branch_id].clear()
        raise RuntimeError(f"{branch_id} failed")

    def start(branch_id: str, stop: asyncio.Event) -> tuple[str, asyncio.Task[None]]:
        starts[branch_id] += 1
        return branch_id, asyncio.create_task(runner(branch_id))

    tasks = BranchStreamTasks(nc, store, start, interval_s=0.05, list_interval_s=600.0,
                              log=structlog.get_logger("test"), failed_event="runner_failed")  # fmt: skip
    stop = asyncio.Event()
    running = asyncio.create_task(tasks.run(stop))
    try:
        await _until(lambda: set(tasks.running) == {"main", "b1"})
        await asyncio.sleep(1.0)  # about twenty rounds
        assert len(listings) == 1, "rounds that reaped nothing listed nothing"
        fail["b1"].set()
        await _until(lambda: starts["b1"] == 2)
        assert len(listings) == 2, "the round that reaped the failed task listed once"
        assert starts["main"] == 1 and not tasks.running["b1"][1].done()
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)


async def _until(check: collections.abc.Callable[[], bool], timeout_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        assert loop.time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.02)
