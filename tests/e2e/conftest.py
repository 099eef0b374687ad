"""HTTP in, through the event log and the projector, back out: the API app in-process with a
projector running beside it (in its own thread and event loop, as it would in its own process),
on the session's real NATS and Neo4j, with fresh streams per test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import msgspec
import nats
import pytest
from litestar.testing import AsyncTestClient
from neo4j import AsyncDriver

from strata_api.app import create_app
from strata_api.resources import SDK_TEST_TOKEN, Resources
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_graph.driver import open_driver
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import WorkerOptions
from strata_projection.supervisor import ProjectorSupervisor

TOKEN_HEADERS = {"X-INFRAHUB-KEY": SDK_TEST_TOKEN}


class ProjectorThread:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        nc = await nats.connect(self._settings.nats_url)
        driver = open_driver(self._settings)
        names = StreamNames(prefix=self._settings.stream_prefix)
        supervisor = ProjectorSupervisor(
            nc, EventStore(nc, names), GraphProjection(driver, "neo4j"),
            DeadLetters(nc.jetstream(), names), WorkerOptions(), discover_interval_s=0.2,
        )  # fmt: skip
        self._ready.set()
        try:
            await supervisor.run(self._stop)
        finally:
            await nc.close()
            await driver.close()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(30)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture
async def api(settings: Settings, neo4j_driver: AsyncDriver) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]  # litestar's client is generic over the app
    test_settings = msgspec.structs.replace(settings, seed_test_accounts=True, read_your_writes_timeout_s=30.0)
    projector = ProjectorThread(test_settings)
    projector.start()
    try:
        async with AsyncTestClient(app=create_app(Resources(test_settings)), timeout=60) as client:
            yield client
    finally:
        projector.stop()
