"""Rebuild: the whole read model folded again from the streams (`strata rebuild`'s code path),
beside a bare UNWIND write of the same events' version rows."""

from __future__ import annotations

import time

import nats

from strata_cli.bench.dataset import generate
from strata_cli.bench.figures import record
from strata_cli.bench.floors import mutations_of, raw_unwind_seconds
from strata_cli.bench.list_bench import append_objects
from strata_cli.read_model import project_log
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import graph_digest

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
    # `strata rebuild` is these two steps; the digest (a read of the whole graph) is timed apart
    started = time.perf_counter()
    await project_log(settings, driver, database="neo4j", consumer_name="bench-rebuild", label="rebuild",
                      side_model=False)  # fmt: skip
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    await graph_digest(driver, "neo4j")
    digest_ms = (time.perf_counter() - started) * 1000
    floor_s = await raw_unwind_seconds(driver, "neo4j", groups)
    await driver.close()
    record("rebuild: wipe, then fold every stream into Neo4j", events / elapsed, "events/s", size=total,
           floor=events / floor_s)  # fmt: skip
    record("rebuild: digest of the rebuilt graph", digest_ms, "ms", size=total)
    record("floor: raw UNWIND write of the same rows", events / floor_s, "events/s", size=total)
