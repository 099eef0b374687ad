"""Rebuild: the whole read model folded again from the streams (`strata rebuild`'s code path),
beside a bare UNWIND write of the same events' version rows."""

from __future__ import annotations

import time

import nats

from strata_cli.bench.dataset import generate
from strata_cli.bench.figures import record
from strata_cli.bench.floors import mutations_of, raw_unwind_seconds
from strata_cli.bench.list_bench import append_objects
from strata_cli.rebuild import rebuild_read_model
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_graph.driver import open_driver_at

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
    started = time.perf_counter()
    await rebuild_read_model(settings, consumer_name="bench-rebuild")
    elapsed = time.perf_counter() - started
    driver = open_driver_at(neo4j_uri)
    floor_s = await raw_unwind_seconds(driver, "neo4j", groups)
    await driver.close()
    record("rebuild: wipe, then fold every stream into Neo4j", events / elapsed, "events/s", size=total,
           floor=events / floor_s)  # fmt: skip
    record("floor: raw UNWIND write of the same rows", events / floor_s, "events/s", size=total)
