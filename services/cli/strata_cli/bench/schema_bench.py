"""Schema load (the four base files: first load, unchanged reload) and GET /api/schema latency."""

from __future__ import annotations

import time

import nats

from strata_cli.bench.api_harness import TOKEN_HEADERS, running_strata
from strata_cli.bench.dataset import base_schema_documents
from strata_cli.bench.figures import percentile, print_row, print_title
from strata_cli.bench.floors import mutations_of, raw_publish_seconds
from strata_eventstore import EventStore, StreamNames

__all__ = ["bench_schema"]


async def bench_schema(nats_url: str, neo4j_uri: str, *, repeats: int) -> None:
    documents = base_schema_documents()
    async with running_strata(nats_url, neo4j_uri) as (client, settings):
        print_title("schema load: the four schema-library-base files together")
        nc = await nats.connect(nats_url)
        store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
        before = await store.last_seq("main")
        started = time.perf_counter()
        first = await client.post("/api/schema/load?branch=main", json=documents, headers=TOKEN_HEADERS)
        first_ms = (time.perf_counter() - started) * 1000
        assert first.status_code == 200, first.text
        # the floor: the same events (schema.loaded and its head) published bare as one batch
        floor_ms = await raw_publish_seconds(nc, mutations_of(await store.read_range("main", before + 1))) * 1000
        await nc.close()
        reloads = []
        for _ in range(repeats):
            started = time.perf_counter()
            again = await client.post("/api/schema/load?branch=main", json=documents, headers=TOKEN_HEADERS)
            reloads.append((time.perf_counter() - started) * 1000)
            assert again.status_code == 200
        gets = []
        for _ in range(repeats * 5):
            started = time.perf_counter()
            await client.get("/api/schema?branch=main")
            gets.append((time.perf_counter() - started) * 1000)
        print_row("first load (validate, check data, append, project)", first_ms, "ms", floor=floor_ms)
        print_row("floor: raw atomic publish of the same events", floor_ms, "ms")
        print_row("unchanged reload p50", percentile(reloads, 50), "ms")
        print_row("GET /api/schema p50", percentile(gets, 50), "ms")
        print_row("GET /api/schema p99", percentile(gets, 99), "ms")
