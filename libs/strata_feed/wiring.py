"""Builds a running feed relay from settings and open connections (called by the worker)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid

import structlog

from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.kv_locks import KvLocks
from strata_feed.branch_catalog import BranchCatalog
from strata_feed.contract import FeedNames
from strata_feed.feed_stream import ensure_feed_stream, feed_stream_config
from strata_feed.leadership import run_as_leader
from strata_feed.relay import FeedRelay, RelayOptions
from strata_graph.projection import GraphProjection
from strata_service.consistency import ProjectionWaiter
from strata_service.schema_service import SchemaService

__all__ = ["build_feed_relay", "run_feed_relay"]

_log = structlog.get_logger("strata.feed")
_RESTART_DELAY_S = 2.0


async def build_feed_relay(
    nc: Client, driver: AsyncDriver, settings: Settings, *, discover_interval_s: float = 2.0
) -> FeedRelay:
    """Ensure the feed stream exists (as configured) and return a relay ready to `run`."""
    names = StreamNames(prefix=settings.stream_prefix)
    feed_names = FeedNames(prefix=settings.stream_prefix)
    config = feed_stream_config(
        feed_names,
        max_age_s=settings.feed_max_age_s,
        duplicate_window_s=settings.duplicate_window_s,
        replicas=settings.stream_replicas,
    )
    await ensure_feed_stream(nc.jetstream(), config)
    store = EventStore(nc, names, replicas=settings.stream_replicas, duplicate_window_s=settings.duplicate_window_s)
    database = settings.neo4j_database
    catalog = BranchCatalog(driver, database, SchemaService(store, driver, database))
    waiter = ProjectionWaiter(nc, names, GraphProjection(driver, database))
    options = RelayOptions(consumer_name=settings.feed_relay_name, discover_interval_s=discover_interval_s)
    return FeedRelay(nc, store, catalog, waiter, feed_names, options)


async def run_feed_relay(nc: Client, driver: AsyncDriver, settings: Settings, stop: asyncio.Event) -> None:
    """The relay's top-level loop, in every worker: only the holder of the `feed-relay` lock
    relays. A failure is logged and the relay starts again from its durable consumers (nothing
    acknowledged is lost, the rest is re-published and deduplicated)."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    async def relay(leading: asyncio.Event) -> None:
        await (await build_feed_relay(nc, driver, settings)).run(leading)

    while not stop.is_set():
        try:
            locks = await KvLocks.open(nc.jetstream(), StreamNames(prefix=settings.stream_prefix).kv_bucket("locks"),
                                       settings.stream_replicas)  # fmt: skip
            await run_as_leader(locks, "feed-relay", owner, relay, stop)
        except Exception as exc:  # noqa: BLE001 - top-level loop: log, wait, start again
            _log.error("feed_relay_crashed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=_RESTART_DELAY_S)
