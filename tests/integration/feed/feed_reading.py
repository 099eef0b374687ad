"""Reads the feed stream back in tests, and runs a relay or a projector as a task."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec
import nats.js.errors
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_feed.contract import FeedEvent, FeedNames
from strata_feed.relay import FeedRelay
from strata_feed.wiring import build_feed_relay
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import WorkerOptions
from strata_projection.supervisor import ProjectorSupervisor

__all__ = ["Running", "projector", "read_feed", "start_projector", "start_relay", "wait_for"]


class Running:
    """A component's `run(stop)` as a task, stopped cleanly or cancelled (a crash)."""

    def __init__(self, run: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
        self.stop_event = asyncio.Event()
        self.task = asyncio.create_task(run(self.stop_event))

    async def stop(self) -> None:
        self.stop_event.set()
        await asyncio.wait_for(self.task, timeout=30)

    async def kill(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def start_relay(nc: Client, driver: AsyncDriver, settings: Settings) -> tuple[FeedRelay, Running]:
    relay = await build_feed_relay(nc, driver, settings, discover_interval_s=0.2)
    return relay, Running(relay.run)


def projector(nc: Client, driver: AsyncDriver, settings: Settings) -> ProjectorSupervisor:
    names = StreamNames(prefix=settings.stream_prefix)
    return ProjectorSupervisor(
        nc, EventStore(nc, names), GraphProjection(driver, "neo4j"),
        DeadLetters(nc.jetstream(), names), WorkerOptions(), discover_interval_s=0.2,
    )  # fmt: skip


async def start_projector(nc: Client, driver: AsyncDriver, settings: Settings) -> Running:
    return Running(projector(nc, driver, settings).run)


async def read_feed(nc: Client, prefix: str) -> list[tuple[int, str, FeedEvent]]:
    """Every message of the feed stream: (stream sequence, subject, event), in stream order."""
    js = nc.jetstream()
    names = FeedNames(prefix=prefix)
    try:
        info = await js.stream_info(names.stream)
    except nats.js.errors.NotFoundError:
        return []
    out = []
    for seq in range(int(info.state.first_seq or 1), int(info.state.last_seq) + 1):
        msg = await js.get_msg(names.stream, seq)
        out.append((seq, msg.subject or "", msgspec.json.decode(msg.data or b"", type=FeedEvent)))
    return out


async def wait_for(check: Callable[[], Coroutine[Any, Any, bool]], timeout_s: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(0.1)
