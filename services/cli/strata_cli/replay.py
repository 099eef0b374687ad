"""`strata replay`: re-run the event log into a fresh read model (a temporary Neo4j, or the one
at `--neo4j-uri`), with progress and rate; `--print` writes a branch's events instead."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from neo4j import AsyncDriver

from strata_cli.printed_events import printed_event
from strata_cli.progress import Progress
from strata_cli.read_model import ProjectedLog, project_log, temporary_neo4j
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.connection import connect_nats
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import graph_digest

__all__ = ["run_print_events", "run_replay", "side_read_model"]


@asynccontextmanager
async def side_read_model(settings: Settings, neo4j_uri: str | None, heap: str = "1g") -> AsyncIterator[AsyncDriver]:
    """The graph to fold into: the given one, or a temporary Neo4j started for the purpose."""
    if neo4j_uri is None:
        print("starting a temporary Neo4j for the fresh read model…", file=sys.stderr, flush=True)
        async with temporary_neo4j(settings, heap=heap) as driver:
            yield driver
        return
    driver = open_driver_at(neo4j_uri, settings.neo4j_auth)
    try:
        yield driver
    finally:
        await driver.close()


def refuse_live_target(settings: Settings, neo4j_uri: str | None, command: str) -> str | None:
    if neo4j_uri is not None and neo4j_uri.rstrip("/") == settings.neo4j_uri.rstrip("/"):
        return (f"strata {command}: --neo4j-uri {neo4j_uri} is the live read model (STRATA_NEO4J_URI); "
                "give another Neo4j, or use `strata rebuild` to rebuild the live one")  # fmt: skip
    return None


async def _replay(settings: Settings, neo4j_uri: str | None, heap: str) -> tuple[ProjectedLog, str, float]:
    async with side_read_model(settings, neo4j_uri, heap) as driver:
        started = time.monotonic()
        projected = await project_log(settings, driver, consumer_name=f"replay-{uuid.uuid4().hex[:8]}",
                                      label="replay", side_model=True)  # fmt: skip
        elapsed = time.monotonic() - started
        return projected, await graph_digest(driver, "neo4j"), elapsed


def run_replay(settings: Settings, neo4j_uri: str | None, heap: str = "1g") -> int:
    refused = refuse_live_target(settings, neo4j_uri, "replay")
    if refused:
        print(refused, file=sys.stderr)
        return 2
    projected, digest, elapsed = asyncio.run(_replay(settings, neo4j_uri, heap))
    rate = projected.events / elapsed if elapsed > 0 else 0.0
    if projected.undecodable:
        print(f"replay: {projected.undecodable} undecodable events skipped (see the dead-letter stream)", file=sys.stderr)
    print(f"replay: {projected.events} events on {len(projected.ends)} branches in {elapsed:.1f}s "
          f"({rate:,.0f} events/s); digest {digest}")  # fmt: skip
    return 0


async def _print_events(settings: Settings, branch_id: str, start: int, end: int | None) -> int:
    nc = await connect_nats(settings)
    try:
        store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
        last = end if end is not None else await store.last_seq(branch_id)
        progress = Progress("events", total=max(0, last - start + 1))
        out = sys.stdout.buffer
        count = 0
        async for stored in store.iter_range(branch_id, start, last):
            out.write(printed_event(stored))
            out.write(b"\n")
            count += 1
            progress.advance(1)
        progress.finish()
        out.flush()
        return count
    finally:
        await nc.close()


def run_print_events(settings: Settings, branch_id: str, start: int, end: int | None) -> int:
    """A branch's events in order, as JSON lines on stdout (what `strata replay` printed before)."""
    asyncio.run(_print_events(settings, branch_id, start, end))
    return 0
