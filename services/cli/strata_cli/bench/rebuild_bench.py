"""Rebuild: the whole read model folded again from the streams (`strata rebuild`'s code path),
beside a bare UNWIND write of the same events' version rows."""

from __future__ import annotations

import time
from collections.abc import Awaitable

import nats
from neo4j import AsyncDriver

from strata_cli.bench.dataset import generate
from strata_cli.bench.figures import record
from strata_cli.bench.floors import mutations_of, raw_unwind_seconds
from strata_cli.bench.list_bench import append_objects
from strata_cli.read_model import project_log
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import graph_digest, wipe_graph

__all__ = ["bench_rebuild"]


async def bench_rebuild(nats_url: str, neo4j_uri: str, *, total: int) -> None:
    settings = Settings(nats_url=nats_url, neo4j_uri=neo4j_uri, stream_prefix="BENCHREBUILD")
    nc = await nats.connect(nats_url)
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    await store.ensure_branch_stream("main")
    await append_objects(store, "main", generate(total))
    groups = mutations_of(await store.read_range("main"))
    events = sum(len(g) for g in groups)
    await nc.close()
    driver = open_driver_at(neo4j_uri)
    # `strata rebuild` is these two steps, run twice: the first after the servers start also
    # warms Neo4j (its JIT and query plans) as the floor, measured after, finds it
    cold_s = await _rebuild(settings, driver)
    wipe_s = await _timed(wipe_graph(driver, "neo4j"))
    fold_s = await _timed(project_log(settings, driver, database="neo4j", consumer_name="bench-rebuild-2",
                                      label="rebuild", side_model=False, wipe=False))  # fmt: skip
    started = time.perf_counter()
    await graph_digest(driver, "neo4j")
    digest_ms = (time.perf_counter() - started) * 1000
    floor_s = await raw_unwind_seconds(driver, "neo4j", groups)
    await driver.close()
    record("rebuild: wipe, then fold every stream into Neo4j", events / (wipe_s + fold_s), "events/s", size=total,
           floor=events / floor_s)  # fmt: skip
    record("rebuild: the fold alone (after the wipe)", events / fold_s, "events/s", size=total, floor=events / floor_s)
    record("rebuild: the wipe of the previous model", wipe_s * 1000, "ms", size=total)
    record("rebuild: the first one after the servers start (cold Neo4j)", events / cold_s, "events/s", size=total)
    record("rebuild: digest of the rebuilt graph", digest_ms, "ms", size=total)
    record("floor: raw UNWIND write of the same rows", events / floor_s, "events/s", size=total)


async def _timed(step: Awaitable[object]) -> float:
    started = time.perf_counter()
    await step
    return time.perf_counter() - started


async def _rebuild(settings: Settings, driver: AsyncDriver) -> float:
    return await _timed(project_log(settings, driver, database="neo4j", consumer_name="bench-rebuild-1",
                                    label="rebuild", side_model=False))  # fmt: skip
