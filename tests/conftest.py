"""Session-wide real servers: nats-server and Neo4j on random ports with temp stores."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_graph.driver import open_driver_at

from strata_stack.nats_runtime import NatsConfig, free_port, start_nats, stop_process, wait_for_nats

REPO_ROOT = Path(__file__).resolve().parent.parent


def own_nats_config(store_dir: Path) -> NatsConfig:
    """The project's server configuration on free ports, storing under store_dir."""
    return NatsConfig(config_file=REPO_ROOT / "nats" / "nats-server.conf", store_dir=store_dir,
                      port=free_port(), monitor_port=free_port())  # fmt: skip


@pytest.fixture(scope="session")
def nats_config(tmp_path_factory: pytest.TempPathFactory) -> NatsConfig:
    return own_nats_config(tmp_path_factory.mktemp("nats-store"))


@pytest.fixture(scope="session")
def nats_server(nats_config: NatsConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsConfig]:
    log = tmp_path_factory.mktemp("nats-log") / "nats.log"
    proc = start_nats(nats_config, log)
    try:
        wait_for_nats(nats_config)
        yield nats_config
    finally:
        stop_process(proc)


@pytest.fixture
async def nc(nats_server: NatsConfig) -> AsyncIterator[Client]:
    client = await nats.connect(nats_server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    try:
        yield client
    finally:
        await client.close()


# --- Neo4j: one server per session, wiped between the tests that use the graph ------------

NEO4J_DEPLOY = REPO_ROOT / "deploy" / "neo4j"


@contextmanager
def running_neo4j(home: Path, *, heap: str = "1g", pagecache: str = "512m") -> Iterator[str]:
    """A Neo4j of its own on a free port, its store under `home`; yields its bolt URI."""
    from strata_stack.neo4j_runtime import (
        Neo4jConfig,
        ensure_neo4j_jars,
        start_neo4j,
        stop_neo4j,
        wait_for_bolt,
    )

    lib = ensure_neo4j_jars(NEO4J_DEPLOY, NEO4J_DEPLOY / "lib")
    config = Neo4jConfig(home=home, bolt_port=free_port(), heap=heap, pagecache=pagecache)
    proc = start_neo4j(config, lib, NEO4J_DEPLOY / "StrataNeo4j.java")
    try:
        wait_for_bolt(config.bolt_uri, timeout_s=180, proc=proc, log_file=config.log_file)
        yield config.bolt_uri
    finally:
        stop_neo4j(proc)


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_neo4j(tmp_path_factory.mktemp("neo4j")) as uri:
        yield uri


@pytest.fixture
async def neo4j_driver(neo4j_uri: str) -> AsyncIterator[AsyncDriver]:
    """A driver on an empty graph (wiped before the test)."""
    from strata_graph.maintenance import wipe_graph

    driver = open_driver_at(neo4j_uri)
    try:
        await wipe_graph(driver, "neo4j")
        yield driver
    finally:
        await driver.close()


@pytest.fixture
def stream_prefix() -> str:
    """A fresh stream set per test: every name derives from this prefix."""
    return f"T{uuid.uuid4().hex[:10].upper()}"


@pytest.fixture
def settings(nats_server: NatsConfig, neo4j_uri: str, stream_prefix: str, tmp_path: Path) -> Settings:
    return Settings(
        nats_url=nats_server.url,
        neo4j_uri=neo4j_uri,
        stream_prefix=stream_prefix,
        data_dir=str(tmp_path),
        environment="test",
    )
