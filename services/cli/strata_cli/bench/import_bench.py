"""Import: the realistic data set created through GraphQL with 1, 100 or 1,000 objects per
request (one atomic batch per request), beside the raw floor of the same events: their atomic
batches published bare, and their version rows written by a bare UNWIND."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from neo4j import AsyncDriver

from strata_cli.bench.api_harness import TOKEN_HEADERS, strata_with_base_schemas
from strata_cli.bench.dataset import generate, mutation_document
from strata_cli.bench.figures import percentile, print_title, record
from strata_cli.bench.floors import mutations_of, raw_publish_seconds, raw_unwind_seconds
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import wipe_graph

__all__ = ["bench_import", "import_objects"]


async def import_objects(client: httpx.AsyncClient, objects: list[Any], per_request: int) -> list[float]:
    """Create `objects` in requests of `per_request`; the latency of each request (ms)."""
    latencies = []
    for start in range(0, len(objects), per_request):
        document = mutation_document(objects[start : start + per_request])
        t0 = time.perf_counter()
        response = await client.post("/graphql/main", json={"query": document}, headers=TOKEN_HEADERS)
        latencies.append((time.perf_counter() - t0) * 1000)
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"import failed: {str(body['errors'])[:500]}")
    return latencies


async def import_in_flight(client: httpx.AsyncClient, objects: list[Any], in_flight: int) -> list[float]:
    """Create `objects` one per request with up to `in_flight` requests at once, as
    infrahub-sdk's batch sends them (five by default); an object is sent once the objects it
    names are answered. The latency of each request (ms)."""
    slots = asyncio.Semaphore(in_flight)
    sent: dict[str, asyncio.Task[float]] = {}

    async def create(obj: Any) -> float:
        try:
            t0 = time.perf_counter()
            response = await client.post("/graphql/main", json={"query": mutation_document([obj])}, headers=TOKEN_HEADERS)
            body = response.json()
            if body.get("errors"):
                raise RuntimeError(f"import failed: {str(body['errors'])[:500]}")
            return (time.perf_counter() - t0) * 1000
        finally:
            slots.release()

    for obj in objects:
        peers = [sent[p] for ids in obj.rels.values() for p in ids if p in sent and not sent[p].done()]
        if peers:
            await asyncio.gather(*peers)
        await slots.acquire()
        sent[obj.uid] = asyncio.create_task(create(obj))
    return list(await asyncio.gather(*sent.values()))


async def _case(
    nats_url: str, driver: AsyncDriver, neo4j_uri: str, total: int, per_request: int, in_flight: int = 1
) -> None:
    await wipe_graph(driver, "neo4j")  # the data set's names are the same in every case
    async with strata_with_base_schemas(nats_url, neo4j_uri) as (client, store):
        before = await store.last_seq("main")
        objects = generate(total)
        started = time.perf_counter()
        if in_flight > 1:
            latencies = await import_in_flight(client, objects, in_flight)
        else:
            latencies = await import_objects(client, objects, per_request)
        elapsed = time.perf_counter() - started
        groups = mutations_of(await store.read_range("main", before + 1))
        publish_s = await raw_publish_seconds(store.nc, groups)
        unwind_s = await raw_unwind_seconds(driver, "neo4j", groups)
    label = f"{per_request:,} per request" + (f", {in_flight} in flight" if in_flight > 1 else "")
    events = sum(len(g) for g in groups)
    record(f"import, {label}: objects/s", total / elapsed, "obj/s", size=total, floor=total / (publish_s + unwind_s))
    record(f"import, {label}: request p50", percentile(latencies, 50), "ms", size=total)
    record(f"import, {label}: request p99", percentile(latencies, 99), "ms", size=total)
    record(f"floor, {label}: raw atomic publish of the {events:,} events", events / publish_s, "events/s", size=total)
    record(f"floor, {label}: raw UNWIND write of their rows", events / unwind_s, "events/s", size=total)


async def _warm_up(nats_url: str, driver: AsyncDriver, neo4j_uri: str, *, total: int, singles: int) -> None:
    """The same work once, not measured: a Neo4j just started compiles its hot code and the
    plans of each statement while it runs, and the first cases paid for it (on a fresh
    server, Neo4j spent 45-60 ms of CPU per single create for the first few hundred, ~6 ms
    once warm). Also warms the API's and the projector's caches of a fresh process."""
    print_title(f"warm-up, not measured: {total:,} objects at 1,000 per request, then {singles:,} one per request")
    await wipe_graph(driver, "neo4j")
    async with strata_with_base_schemas(nats_url, neo4j_uri) as (client, _):
        objects = generate(total + singles)
        await import_objects(client, objects[:total], 1000)
        await import_objects(client, objects[total:], 1)


async def bench_import(
    nats_url: str, neo4j_uri: str, *, totals: list[int], per_request: list[int], single_cap: int, warm_up: int = 0,
    in_flight: int = 5,
) -> None:
    """Every total with every request size; one object per request is capped at `single_cap`
    objects (a request each: the larger totals add nothing but time). `warm_up` objects are
    created first and not measured (a tenth of them one per request). One object per request
    is also measured with `in_flight` requests at once."""
    driver = open_driver_at(neo4j_uri)
    try:
        if warm_up:
            await _warm_up(nats_url, driver, neo4j_uri, total=warm_up - warm_up // 10, singles=warm_up // 10)
        for per in per_request:
            for total in sorted({min(t, single_cap) if per == 1 else t for t in totals}):
                await _case(nats_url, driver, neo4j_uri, total, per)
                if per == 1 and in_flight > 1:  # as infrahub-sdk's batch sends them
                    await _case(nats_url, driver, neo4j_uri, total, per, in_flight)
    finally:
        await driver.close()
