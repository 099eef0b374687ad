"""A whole stack over real sockets, for WebSocket and feed tests: the API served by uvicorn on a
free port, the projector and the feed relay each in its own thread and event loop (as they run
in their own processes), on the session's NATS and Neo4j with fresh streams."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import httpx
import msgspec
import nats
import uvicorn
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_api.app import create_app
from strata_api.resources import Resources
from strata_core.settings import Settings
from strata_feed.contract import FeedNames
from strata_feed.wiring import build_feed_relay
from strata_graph.driver import open_driver
from strata_stack.nats_runtime import free_port
from tests.e2e.conftest import TOKEN_HEADERS
from tests.integration.feed.feed_reading import projector

__all__ = ["LiveStack", "live_stack", "wait_until"]


Component = Callable[[Client, AsyncDriver, Settings, asyncio.Event], Coroutine[Any, Any, None]]


class ServiceThread:
    """A component (projector, relay) in its own thread and loop, with its own connections."""

    def __init__(self, settings: Settings, component: Component) -> None:
        self._settings = settings
        self._component = component
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        nc = await nats.connect(self._settings.nats_url)
        driver = open_driver(self._settings)
        self._ready.set()
        try:
            await self._component(nc, driver, self._settings, self._stop)
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


async def _project(nc: Client, driver: AsyncDriver, settings: Settings, stop: asyncio.Event) -> None:
    await projector(nc, driver, settings).run(stop)


async def _relay(nc: Client, driver: AsyncDriver, settings: Settings, stop: asyncio.Event) -> None:
    await (await build_feed_relay(nc, driver, settings, discover_interval_s=0.2)).run(stop)


class LiveStack:
    def __init__(self, settings: Settings, port: int, nc: Client) -> None:
        self.settings = settings
        self.http_url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        self.nc = nc
        self.http = httpx.AsyncClient(base_url=self.http_url, timeout=60)

    async def gql(self, query: str, branch: str = "main", headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self.http.post(f"/graphql/{branch}", json={"query": query}, headers=headers or TOKEN_HEADERS)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body
        return body

    async def feed_consumers(self) -> int:
        info = await self.nc.jetstream().stream_info(FeedNames(prefix=self.settings.stream_prefix).stream)
        return int(info.state.consumer_count)


async def wait_until(check: Callable[[], Coroutine[Any, Any, bool]], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def live_stack(settings: Settings, **overrides: Any) -> AsyncIterator[LiveStack]:
    settings = msgspec.structs.replace(settings, seed_test_accounts=True, read_your_writes_timeout_s=30.0, **overrides)
    projection = ServiceThread(settings, _project)
    projection.start()
    relay = ServiceThread(settings, _relay)
    relay.start()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Resources(settings)), host="127.0.0.1", port=port,
                                           log_level="warning", ws="auto"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    nc = await nats.connect(settings.nats_url)
    stack = LiveStack(settings, port, nc)
    try:
        await wait_until(lambda: _healthy(stack), timeout_s=60)
        await wait_until(lambda: _bootstrap_told(stack), timeout_s=60)  # tests follow from "now" on
        yield stack
    finally:
        await stack.http.aclose()
        server.should_exit = True
        await asyncio.to_thread(thread.join, 30)
        await nc.close()
        relay.stop()
        projection.stop()


async def _bootstrap_told(stack: LiveStack) -> bool:
    """The feed holds main's founding changes and nothing more has come for a moment."""
    js = stack.nc.jetstream()
    stream = FeedNames(prefix=stack.settings.stream_prefix).stream
    before = (await js.stream_info(stream)).state.messages
    await asyncio.sleep(0.3)
    return before > 0 and (await js.stream_info(stream)).state.messages == before


async def _healthy(stack: LiveStack) -> bool:
    try:
        return (await stack.http.get("/api/health")).status_code == 200
    except httpx.HTTPError:
        return False
