"""Throw-away NATS and Neo4j servers for one benchmark run (random ports, temp dirs)."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from strata_cli.paths import StackPaths, repo_root
from strata_stack.nats_runtime import NatsConfig, free_port, start_nats, stop_process, wait_for_nats
from strata_stack.neo4j_runtime import (
    Neo4jConfig,
    ensure_neo4j_jars,
    start_neo4j,
    stop_neo4j,
    wait_for_bolt,
)

__all__ = ["BenchServers", "bench_servers"]


@dataclass(frozen=True)
class BenchServers:
    nats_url: str
    neo4j_uri: str | None
    pids: dict[str, int]


@contextlib.contextmanager
def bench_servers(*, with_neo4j: bool) -> Iterator[BenchServers]:
    with tempfile.TemporaryDirectory(prefix="strata-bench-") as tmp:
        root = Path(tmp)
        nats = NatsConfig(
            config_file=repo_root() / "nats" / "nats-server.conf",
            store_dir=root / "nats",
            port=free_port(),
            monitor_port=free_port(),
        )
        nats_proc = start_nats(nats, root / "nats.log")
        neo_proc = None
        try:
            wait_for_nats(nats)
            neo_uri = None
            if with_neo4j:
                paths = StackPaths(root)
                lib = ensure_neo4j_jars(paths.neo4j_pom_dir, paths.neo4j_lib)
                cfg = Neo4jConfig(home=root / "neo4j", bolt_port=free_port(), heap="2g", pagecache="1g")
                neo_proc = start_neo4j(cfg, lib, paths.neo4j_launcher)
                print("bench: starting neo4j…", file=sys.stderr, flush=True)
                wait_for_bolt(cfg.bolt_uri, timeout_s=180, proc=neo_proc, log_file=cfg.log_file)
                neo_uri = cfg.bolt_uri
            pids = {"nats-server": nats_proc.pid} | ({"neo4j": neo_proc.pid} if neo_proc else {})
            yield BenchServers(nats_url=nats.url, neo4j_uri=neo_uri, pids=pids)
        finally:
            if neo_proc is not None:
                stop_neo4j(neo_proc)
            stop_process(nats_proc)
