"""The API served over real HTTP by uvicorn in a thread (its own event loop), with a projector
thread beside it: clients are plain HTTP clients, sync or async, as in production."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import msgspec
import uvicorn

from strata_api.app import create_app
from strata_api.resources import Resources
from strata_core.settings import Settings
from strata_stack.nats_runtime import free_port
from tests.e2e.conftest import ProjectorThread

__all__ = ["LiveApi"]

T = TypeVar("T")


class LiveApi:
    def __init__(self, settings: Settings) -> None:
        port = free_port()
        self.settings = msgspec.structs.replace(
            settings, seed_test_accounts=True, read_your_writes_timeout_s=30.0, api_port=port
        )
        self.url = f"http://127.0.0.1:{port}"
        self.resources = Resources(self.settings)
        self.projector = ProjectorThread(self.settings)
        config = uvicorn.Config(
            create_app(self.resources), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._server.serve()

    def start(self) -> None:
        self.projector.start()
        self._thread.start()
        for _ in range(1200):
            if self._server.started:
                return
            if not self._thread.is_alive():
                raise RuntimeError("the API server thread ended before it started")
            threading.Event().wait(0.05)
        raise TimeoutError("the API did not start in 60 s")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(30)
        self.projector.stop()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run a coroutine on the server's loop (where its NATS and Neo4j connections live)."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def stream_heads(self) -> dict[str, int]:
        """Last sequence of every branch stream: equal before and after means nothing appended."""
        store = self.resources.store

        async def heads() -> dict[str, int]:
            return {b: await store.last_seq(b) for b in await store.branch_ids()}

        return self.call(heads())
