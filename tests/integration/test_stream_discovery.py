"""A new branch stream starts its projector worker and its feed relay from the stream-created
advisory alone: listing every stream on each new branch made a create cost O(branches)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_feed.wiring import build_feed_relay
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import WorkerOptions
from strata_projection.supervisor import ProjectorSupervisor
from tests.integration.feed.feed_reading import Running

pytestmark = pytest.mark.integration

QUIET_S = 600.0  # no periodic listing during the test: only the one each loop makes as it starts


@pytest.mark.parametrize("component", ["projector", "feed relay"])
async def test_a_new_stream_is_taken_up_without_listing_every_stream(
    nc: Client, neo4j_driver: AsyncDriver, settings: Settings, monkeypatch: pytest.MonkeyPatch, component: str
) -> None:
    listings: list[int] = []
    listed = EventStore.branch_ids_if_reachable

    async def counted(self: EventStore) -> list[str] | None:
        listings.append(1)
        return await listed(self)

    monkeypatch.setattr(EventStore, "branch_ids_if_reachable", counted)
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    taken_up: Callable[[], set[str]]
    if component == "projector":
        supervisor = ProjectorSupervisor(nc, store, GraphProjection(neo4j_driver, "neo4j"),
                                         DeadLetters(nc.jetstream(), names), WorkerOptions(),
                                         discover_interval_s=QUIET_S)  # fmt: skip
        running, taken_up = Running(supervisor.run), lambda: set(supervisor.workers)
    else:
        relay = await build_feed_relay(nc, neo4j_driver, settings, discover_interval_s=QUIET_S)
        running, taken_up = Running(relay.run), lambda: set(relay.relays)
    try:
        await _until(lambda: "main" in taken_up() and len(listings) == 1)
        branch_id = uuid.uuid4().hex
        await store.ensure_branch_stream(branch_id)
        await _until(lambda: branch_id in taken_up())
        assert len(listings) == 1, "the new stream was found without listing them all"
    finally:
        await running.stop()


async def _until(check: Callable[[], bool], timeout_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        assert loop.time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.02)


