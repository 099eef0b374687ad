"""Connections the API holds for its lifetime: NATS, the event store, the Neo4j driver."""

from __future__ import annotations

from typing import Any

import nats
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_graph.driver import open_driver

from strata_api.bootstrap import bootstrap_main
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames

__all__ = ["Resources"]


class Resources:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.names = StreamNames(prefix=settings.stream_prefix)
        self._nc: Client | None = None
        self._store: EventStore | None = None
        self._driver: AsyncDriver | None = None

    @property
    def nc(self) -> Client:
        assert self._nc is not None, "resources not started"
        return self._nc

    @property
    def store(self) -> EventStore:
        assert self._store is not None, "resources not started"
        return self._store

    @property
    def driver(self) -> AsyncDriver:
        assert self._driver is not None, "resources not started"
        return self._driver

    def as_state(self) -> dict[str, Any]:
        return {"resources": self}

    async def start(self) -> None:
        s = self.settings
        self._nc = await nats.connect(
            s.nats_url,
            user=s.nats_user,
            password=s.nats_password,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            name="strata-api",
        )
        self._store = EventStore(
            self._nc, self.names, replicas=s.stream_replicas, duplicate_window_s=s.duplicate_window_s
        )
        self._driver = open_driver(s)
        await bootstrap_main(self._store)

    async def stop(self) -> None:
        if self._nc is not None:
            await self._nc.drain()
        if self._driver is not None:
            await self._driver.close()
