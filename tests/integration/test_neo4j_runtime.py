"""Neo4j 5.26 from Maven jars: installs, starts on a random port, survives a restart."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from strata_stack.neo4j_runtime import (
    Neo4jConfig,
    ensure_neo4j_jars,
    start_neo4j,
    stop_neo4j,
    wait_for_bolt,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
NEO4J_DEPLOY = REPO_ROOT / "deploy" / "neo4j"
LAUNCHER = NEO4J_DEPLOY / "StrataNeo4j.java"

RETURN_ONE = "RETURN 1 AS one"
CREATE_PROBE = "CREATE (p:Probe {id: $id, note: $note}) RETURN p.id AS id"
READ_PROBE = "MATCH (p:Probe {id: $id}) RETURN p.note AS note"

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def lib_dir() -> Path:
    return ensure_neo4j_jars(NEO4J_DEPLOY, NEO4J_DEPLOY / "lib")


def test_jars_are_reused_once_installed(lib_dir: Path) -> None:
    marker = lib_dir / ".strata-pom.sha256"
    before = (marker.stat().st_mtime_ns, lib_dir.stat().st_ino)
    assert ensure_neo4j_jars(NEO4J_DEPLOY, lib_dir) == lib_dir
    # No Maven run the second time: the lib dir is not swapped and its marker not rewritten.
    assert (marker.stat().st_mtime_ns, lib_dir.stat().st_ino) == before
    assert any(lib_dir.glob("neo4j-bolt-5.26.*.jar"))


def test_start_write_stop_restart_read(lib_dir: Path, tmp_path: Path) -> None:
    config = Neo4jConfig(home=tmp_path / "neo4j", bolt_port=_free_port())

    proc = start_neo4j(config, lib_dir, LAUNCHER)
    try:
        wait_for_bolt(config.bolt_uri, proc=proc, log_file=config.log_file)
        with GraphDatabase.driver(config.bolt_uri) as driver:
            one = driver.execute_query(RETURN_ONE, database_="neo4j").records
            assert [record["one"] for record in one] == [1]
            created = driver.execute_query(
                CREATE_PROBE, id="p-1", note="survives restarts", database_="neo4j"
            ).records
            assert [record["id"] for record in created] == ["p-1"]
            read = driver.execute_query(READ_PROBE, id="p-1", database_="neo4j").records
            assert [record["note"] for record in read] == ["survives restarts"]
    finally:
        code = stop_neo4j(proc)
    assert proc.poll() is not None
    assert code == 143, config.log_file.read_text()  # 128 + SIGTERM: shut down by the hook
    assert not _port_open(config.bolt_port)
    assert "STRATA_NEO4J_READY " + config.bolt_uri in config.log_file.read_text()

    proc = start_neo4j(config, lib_dir, LAUNCHER)
    try:
        wait_for_bolt(config.bolt_uri, proc=proc, log_file=config.log_file)
        with GraphDatabase.driver(config.bolt_uri) as driver:
            read = driver.execute_query(READ_PROBE, id="p-1", database_="neo4j").records
            assert [record["note"] for record in read] == ["survives restarts"]
    finally:
        stop_neo4j(proc)
    assert proc.poll() is not None


def test_server_stops_when_its_parent_closes_stdin(lib_dir: Path, tmp_path: Path) -> None:
    config = Neo4jConfig(home=tmp_path / "neo4j", bolt_port=_free_port())
    proc = start_neo4j(config, lib_dir, LAUNCHER)
    try:
        wait_for_bolt(config.bolt_uri, proc=proc, log_file=config.log_file)
        assert proc.stdin is not None
        proc.stdin.close()  # what the OS does when the parent dies
        assert proc.wait(60) == 0
    finally:
        stop_neo4j(proc)
