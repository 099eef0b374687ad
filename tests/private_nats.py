"""A NATS server of a test's own, which the test may stop hard and start again, and a store on it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

import nats
from nats.aio.client import Client

from strata_eventstore import EventStore, StreamNames
from strata_stack.nats_runtime import start_nats, stop_process, wait_for_nats
from tests.conftest import own_nats_config

__all__ = ["PrivateNats"]


class PrivateNats:
    nc: Client
    store: EventStore

    def __init__(self, tmp_path: Path, prefix: str) -> None:
        self.config = own_nats_config(tmp_path / "store")
        self.log = tmp_path / "nats.log"
        self.proc = start_nats(self.config, self.log)
        wait_for_nats(self.config)
        self.names = StreamNames(prefix=prefix)

    async def connect(self, *, reconnect_wait_s: float = 0.2) -> EventStore:
        self.nc = await nats.connect(self.config.url, max_reconnect_attempts=-1, reconnect_time_wait=reconnect_wait_s)
        self.store = EventStore(self.nc, self.names)
        await self.store.ensure_branch_stream("main")
        return self.store

    async def restart(self, outage_s: float, stop_signal: signal.Signals = signal.SIGKILL) -> None:
        self.proc.send_signal(stop_signal)
        self.proc.wait(30)
        await asyncio.sleep(outage_s)
        self.proc = start_nats(self.config, self.log)
        wait_for_nats(self.config)

    async def close(self, stop: asyncio.Event | None = None, task: asyncio.Task[None] | None = None) -> None:
        """Stop the test's task (`stop` set, then awaited), the connection and the server."""
        if stop is not None:
            stop.set()
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, timeout=30)
        await self.nc.close()
        with contextlib.suppress(Exception):
            stop_process(self.proc)
