"""Runs the chosen benchmark scenarios on throw-away servers; figures as JSON lines or a table."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from strata_cli.bench.branch_bench import bench_branches
from strata_cli.bench.figures import Report, scenario
from strata_cli.bench.graphql_bench import bench_graphql
from strata_cli.bench.import_bench import bench_import
from strata_cli.bench.interface_merge_bench import bench_interface_merge
from strata_cli.bench.list_bench import bench_list
from strata_cli.bench.projector_bench import bench_projector
from strata_cli.bench.rebuild_bench import bench_rebuild
from strata_cli.bench.schema_bench import bench_schema
from strata_cli.bench.servers import BenchServers, bench_servers
from strata_cli.bench.store_bench import bench_store
from strata_core.logging_setup import configure_logging
from strata_core.settings import Settings

__all__ = ["SCENARIOS", "run_bench", "run_scenarios"]

Scenario = Callable[[BenchServers, bool], Coroutine[Any, Any, None]]


def _neo4j(servers: BenchServers) -> str:
    assert servers.neo4j_uri is not None, "this scenario needs Neo4j"
    return servers.neo4j_uri


def _store(s: BenchServers, quick: bool) -> Coroutine[Any, Any, None]:
    return bench_store(s.nats_url, total_events=5_000 if quick else 50_000)


def _import(s: BenchServers, quick: bool) -> Coroutine[Any, Any, None]:
    return bench_import(s.nats_url, _neo4j(s), totals=[1_000] if quick else [1_000, 10_000, 100_000],
                        per_request=[1, 100, 1_000], single_cap=100 if quick else 1_000,
                        warm_up=200 if quick else 5_000)  # fmt: skip


def _list(s: BenchServers, quick: bool) -> Coroutine[Any, Any, None]:
    return bench_list(s.nats_url, _neo4j(s), sizes=[1_000, 10_000] if quick else [1_000, 10_000, 100_000],
                      reads=5 if quick else 20, branch_changes=1_000)  # fmt: skip


async def _branches(s: BenchServers, quick: bool) -> None:
    await bench_branches(s.nats_url, _neo4j(s), main_sizes=[1_000] if quick else [1_000, 100_000],
                         changes=[1_000] if quick else [1_000, 10_000], open_branches=50 if quick else 1_000,
                         server_pids=s.pids)  # fmt: skip
    await bench_interface_merge(s.nats_url, _neo4j(s), main_size=2_000 if quick else 20_000,
                                changes=[1_000] if quick else [1_000, 10_000])  # fmt: skip


def _schema(s: BenchServers, quick: bool) -> Coroutine[Any, Any, None]:
    return bench_schema(s.nats_url, _neo4j(s), repeats=5 if quick else 20)


def _projector(s: BenchServers, quick: bool) -> Coroutine[Any, Any, None]:
    return bench_projector(s.nats_url, _neo4j(s), total_events=5_000 if quick else 50_000,
                           lag_seconds=5.0 if quick else 15.0)  # fmt: skip


def _rebuild(s: BenchServers, quick: bool) -> Coroutine[Any, Any, None]:
    return bench_rebuild(s.nats_url, _neo4j(s), total=10_000 if quick else 100_000)


def _graphql(s: BenchServers, quick: bool) -> Coroutine[Any, Any, None]:
    return bench_graphql(s.nats_url, _neo4j(s), creates=50 if quick else 300,
                         sizes=[1_000, 10_000] if quick else [1_000, 10_000, 100_000], reads=5 if quick else 20,
                         bulk=1_000 if quick else 10_000)  # fmt: skip


SCENARIOS: dict[str, Scenario] = {
    "store": _store,
    "import": _import,
    "list": _list,
    "branches": _branches,
    "schema": _schema,
    "projector": _projector,
    "rebuild": _rebuild,
    "graphql": _graphql,
}
ALL = ["store", "import", "list", "branches", "schema", "projector", "rebuild"]  # graphql: the older list/create suite


def run_scenarios(names: list[str], *, quick: bool, report: Report) -> None:
    with bench_servers(with_neo4j=names != ["store"]) as servers:
        for name in names:
            with scenario(report, name):
                asyncio.run(SCENARIOS[name](servers, quick))


def run_bench(settings: Settings, suite: str, *, quick: bool, as_json: bool = False) -> int:
    del settings  # benchmarks start their own servers so figures never touch a real store
    configure_logging(log_format="console", level="warning")
    report = Report(as_json=as_json)
    run_scenarios(ALL if suite == "all" else [suite], quick=quick, report=report)
    if not as_json:
        report.print_table()
    return 0
