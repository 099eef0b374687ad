"""Schema load (the four base files: first load, unchanged reload) and GET /api/schema latency."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml

from strata_cli.bench.api_harness import TOKEN_HEADERS, running_strata
from strata_cli.bench.figures import percentile, print_row, print_title
from strata_cli.paths import repo_root

__all__ = ["bench_schema", "base_schema_documents"]


def base_schema_documents() -> dict[str, Any]:
    base = repo_root().parent / "shared" / "data" / "schemas" / "schema-library-base"
    return {"schemas": [yaml.safe_load(p.read_text()) for p in sorted(Path(base).glob("*.yml"))]}


async def bench_schema(nats_url: str, neo4j_uri: str, *, repeats: int) -> None:
    documents = base_schema_documents()
    async with running_strata(nats_url, neo4j_uri) as (client, _):
        print_title("schema load: the four schema-library-base files together")
        started = time.perf_counter()
        first = await client.post("/api/schema/load?branch=main", json=documents, headers=TOKEN_HEADERS)
        first_ms = (time.perf_counter() - started) * 1000
        assert first.status_code == 200, first.text
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
        print_row("first load (validate, check data, append, project)", first_ms, "ms")
        print_row("unchanged reload p50", percentile(reloads, 50), "ms")
        print_row("GET /api/schema p50", percentile(gets, 50), "ms")
        print_row("GET /api/schema p99", percentile(gets, 99), "ms")
