"""Projector rate into Neo4j beside a raw UNWIND of the same rows; lag under a steady load."""

from __future__ import annotations

import asyncio
import time

import msgspec
import nats
from nats.aio.msg import Msg
from neo4j import AsyncDriver

from strata_graph.driver import open_driver_at

from strata_cli.bench.figures import percentile, print_row, print_title
from strata_cli.bench.store_bench import _events
from strata_eventstore import EventStore, StreamNames
from strata_graph import cypher
from strata_graph.folding import fold_versions
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import StreamWorker, WorkerOptions

__all__ = ["bench_projector"]

# The load runs this long before lags are measured: the worker starting on the new stream (its
# consumer, the first pulls, plans Neo4j compiles again as the graph grew in the rate phase)
# held the first second's mutations 300-670 ms, which alone made the p99 of a 15 s run; after
# the first second the p99 was 65 ms (measured).
_LAG_START_S = 2.0


async def _fill(store: EventStore, branch_id: str, total: int, batch: int) -> int:
    await store.ensure_branch_stream(branch_id)
    events = _events(store.names, total)
    head = 0
    for start in range(0, total, batch):
        head = (await store.append(branch_id, events[start : start + batch], expected_head=head)).head_seq
    return head


async def _raw_unwind(driver: AsyncDriver, store: EventStore, total: int, batch: int) -> float:
    """The same version rows, written by a bare UNWIND/CREATE with no projector logic."""
    events = _events(store.names, total)
    rows = [
        msgspec.to_builtins(r)
        for r in fold_versions({}, [(i + 1, p.event) for i, p in enumerate(events)])  # type: ignore[misc]  # all NodeCreated
    ]
    started = time.perf_counter()
    for start in range(0, total, batch):
        await driver.execute_query(cypher.CREATE_RECORDS, rows=rows[start : start + batch], branch="raw", database_="neo4j")
    return total / (time.perf_counter() - started)


async def bench_projector(nats_url: str, neo4j_uri: str, *, total_events: int, lag_seconds: float) -> None:
    nc = await nats.connect(nats_url)
    driver = open_driver_at(neo4j_uri)
    names = StreamNames(prefix="BENCHPROJ")
    store = EventStore(nc, names)
    projection = GraphProjection(driver, "neo4j")
    await projection.ensure_schema()
    dead = DeadLetters(nc.jetstream(), names)
    await dead.ensure_stream()
    # warm-up: the first queries after a start pay for planning; neither side is timed cold
    warm = EventStore(nc, StreamNames(prefix="BENCHWARM"))
    warm_end = await _fill(warm, "main", 2000, 1000)
    await StreamWorker(nc, warm.names, projection, dead, "main", WorkerOptions()).run(
        asyncio.Event(), until_seq=warm_end
    )
    await _raw_unwind(driver, warm, 2000, 1000)
    print_title(f"projector rate ({total_events:,} events in mutations of 1000)")
    end = await _fill(store, "main", total_events, 1000)
    worker = StreamWorker(nc, names, projection, dead, "main", WorkerOptions())
    started = time.perf_counter()
    await worker.run(asyncio.Event(), until_seq=end)
    projector_rate = total_events / (time.perf_counter() - started)
    raw_rate = await _raw_unwind(driver, store, total_events, 1000)
    print_row("projector: stream -> Neo4j (checkpointed)", projector_rate, "events/s", floor=raw_rate)
    print_row("raw UNWIND CREATE of the same rows", raw_rate, "events/s")

    rate, per_mutation = 1000, 10
    print_title(f"projector lag under a steady {rate:,} events/s ({per_mutation} per mutation, {lag_seconds:.0f} s)")
    branch = "main"
    lag_names = StreamNames(prefix="BENCHLAG")
    store = EventStore(nc, lag_names)
    names = lag_names
    await store.ensure_branch_stream(branch)
    sent: dict[int, float] = {}
    lags: list[tuple[float, float]] = []  # (sent at, lag ms)

    async def on_projected(msg: Msg) -> None:
        checkpoint = int(msg.data)
        now = time.perf_counter()
        for seq in [s for s in sent if s <= checkpoint]:
            at = sent.pop(seq)
            lags.append((at, (now - at) * 1000))

    sub = await nc.subscribe(f"{names.projected_subject_prefix}.{branch}", cb=on_projected)
    stop = asyncio.Event()
    lag_worker = StreamWorker(nc, names, projection, dead, branch, WorkerOptions())
    task = asyncio.create_task(lag_worker.run(stop))
    interval = per_mutation / rate
    head = 0
    next_at = time.perf_counter()
    steady_from = next_at + _LAG_START_S
    deadline = steady_from + lag_seconds
    while time.perf_counter() < deadline:
        events = _events(names, per_mutation)
        result = await store.append(branch, events, expected_head=head)
        head = result.head_seq
        sent[head] = time.perf_counter()
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    await asyncio.sleep(2.0)
    stop.set()
    await task
    await sub.unsubscribe()
    steady = [lag for at, lag in lags if at >= steady_from]
    starting = [lag for at, lag in lags if at < steady_from]
    print_row(f"lag p50 (append ack -> projected), after the first {_LAG_START_S:.0f} s", percentile(steady, 50), "ms")
    print_row("lag p99, after them", percentile(steady, 99), "ms")
    print_row("mutations measured", float(len(steady)), "")
    print_row(f"lag max in the first {_LAG_START_S:.0f} s (the worker starting on a new stream)", max(starting, default=float("nan")), "ms")
    await nc.close()
    await driver.close()
