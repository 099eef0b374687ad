"""Runs the chosen benchmark suites on throw-away servers."""

from __future__ import annotations

import asyncio

from strata_cli.bench.branch_bench import bench_branches
from strata_cli.bench.graphql_bench import bench_graphql
from strata_cli.bench.projector_bench import bench_projector
from strata_cli.bench.schema_bench import bench_schema
from strata_cli.bench.servers import bench_servers
from strata_cli.bench.store_bench import bench_store
from strata_core.logging_setup import configure_logging
from strata_core.settings import Settings

__all__ = ["run_bench"]


def run_bench(settings: Settings, suite: str, *, quick: bool) -> int:
    del settings  # benchmarks start their own servers so figures never touch a real store
    configure_logging(log_format="console", level="warning")
    total = 5_000 if quick else 50_000
    with bench_servers(with_neo4j=suite != "store") as servers:
        if suite in ("store", "all"):
            asyncio.run(bench_store(servers.nats_url, total_events=total))
        if suite in ("projector", "all"):
            assert servers.neo4j_uri is not None
            asyncio.run(
                bench_projector(servers.nats_url, servers.neo4j_uri, total_events=total,
                                lag_seconds=5.0 if quick else 15.0)  # fmt: skip
            )
        if suite in ("schema", "all"):
            assert servers.neo4j_uri is not None
            asyncio.run(bench_schema(servers.nats_url, servers.neo4j_uri, repeats=5 if quick else 20))
        if suite in ("graphql", "all"):
            assert servers.neo4j_uri is not None
            asyncio.run(bench_graphql(
                servers.nats_url, servers.neo4j_uri, creates=50 if quick else 300,
                sizes=[1_000, 10_000] if quick else [1_000, 10_000, 100_000], reads=5 if quick else 20,
                bulk=1_000 if quick else 10_000,
            ))  # fmt: skip
        if suite in ("branches", "all"):
            assert servers.neo4j_uri is not None
            asyncio.run(bench_branches(
                servers.nats_url, servers.neo4j_uri, main_sizes=[1_000] if quick else [1_000, 100_000],
                changes=[1_000] if quick else [1_000, 10_000], open_branches=50 if quick else 1_000,
                server_pids=servers.pids,
            ))  # fmt: skip
    return 0
