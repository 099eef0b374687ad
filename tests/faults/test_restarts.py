"""NATS, then Neo4j, restarted under a stream of mutations sent with Idempotency-Key: every
acknowledged mutation is stored exactly once, failures are clear errors, and a client's retry of
a mutation (same key) is never applied twice."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from strata_core.settings import Settings
from strata_events import NodeCreated
from strata_stack.nats_runtime import free_port, start_nats, stop_process, wait_for_nats
from strata_stack.neo4j_runtime import Neo4jConfig, ensure_neo4j_jars, start_neo4j, stop_neo4j, wait_for_bolt
from tests.conftest import NEO4J_DEPLOY, own_nats_config
from tests.e2e.test_graphql_api import ANIMALS
from tests.faults.conftest import TOKEN_HEADERS
from tests.faults.figures import Figures, fault_rounds
from tests.faults.live_api import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.faults]

CLIENTS = 3
CREATE = "mutation($n: String!) { TestingPersonCreate(data: {name: {value: $n}}) { ok object { id } } }"


class Servers:
    """A NATS and a Neo4j of this test's own, so that they can be stopped and started."""

    def __init__(self, tmp: Path) -> None:
        self.nats = own_nats_config(tmp / "nats")
        self.neo4j = Neo4jConfig(home=tmp / "neo4j", bolt_port=free_port(), heap="512m", pagecache="256m")
        self._lib = ensure_neo4j_jars(NEO4J_DEPLOY, NEO4J_DEPLOY / "lib")
        self._tmp = tmp
        self.nats_proc = self._start_nats()
        self.neo4j_proc = self._start_neo4j()

    def _start_nats(self) -> subprocess.Popen[bytes]:
        proc = start_nats(self.nats, self._tmp / "nats.log")
        wait_for_nats(self.nats)
        return proc

    def _start_neo4j(self) -> subprocess.Popen[bytes]:
        proc = start_neo4j(self.neo4j, self._lib, NEO4J_DEPLOY / "StrataNeo4j.java")
        wait_for_bolt(self.neo4j.bolt_uri, timeout_s=180, proc=proc, log_file=self.neo4j.log_file)
        return proc

    def restart_nats(self, sig: signal.Signals) -> None:
        self.nats_proc.send_signal(sig)
        self.nats_proc.wait(30)
        self.nats_proc = self._start_nats()

    def restart_neo4j(self) -> None:
        self.neo4j_proc.kill()  # no checkpoint: Neo4j recovers from its transaction log
        self.neo4j_proc.wait(30)
        self.neo4j_proc = self._start_neo4j()

    def stop(self) -> None:
        stop_process(self.nats_proc)
        stop_neo4j(self.neo4j_proc)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    own = Servers(tmp_path)
    try:
        yield own
    finally:
        own.stop()


class Client:
    """Creates people one after another; retries each, with the same key, until acknowledged."""

    def __init__(self, url: str, number: int) -> None:
        self.url, self.number = url, number
        self.acked: dict[str, str] = {}  # name -> id
        self.retried: set[str] = set()
        self.errors: list[str] = []

    async def run(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=60, headers=TOKEN_HEADERS) as http:
            i = 0
            while not stop.is_set():
                name = f"c{self.number}-{i}"
                await self._until_acked(http, name, stop)
                i += 1

    async def _until_acked(self, http: httpx.AsyncClient, name: str, stop: asyncio.Event) -> None:
        for attempt in range(400):
            if attempt:
                self.retried.add(name)
                await asyncio.sleep(0.25)
            try:
                response = await http.post(f"{self.url}/graphql", json={"query": CREATE, "variables": {"n": name}},
                                           headers={"Idempotency-Key": f"create-{name}"})  # fmt: skip
            except httpx.TransportError as exc:
                self.errors.append(f"transport: {type(exc).__name__}")
            else:
                body = response.json()
                if response.status_code == 200 and not body.get("errors"):
                    self.acked[name] = body["data"]["TestingPersonCreate"]["object"]["id"]
                    return
                self.errors.append(f"{response.status_code} {str(body.get('errors') or body)[:200]}")
            if stop.is_set() and attempt > 40:
                return  # the run is over; this one may stay unacknowledged (checked: at most once)


@pytest.mark.timeout(900)
async def test_restarts_of_nats_then_neo4j_lose_and_double_nothing(
    servers: Servers, tmp_path: Path, figures: Figures
) -> None:
    settings = Settings(nats_url=servers.nats.url, neo4j_uri=servers.neo4j.bolt_uri, stream_prefix="RESTART",
                        data_dir=str(tmp_path / "data"), environment="test")  # fmt: skip
    live = LiveApi(settings)
    live.start()
    try:
        loaded = httpx.post(f"{live.url}/api/schema/load", json=ANIMALS, headers=TOKEN_HEADERS, timeout=120)
        assert loaded.status_code == 200, loaded.text
        for round_no in range(fault_rounds()):
            figures.rounds_run += 1
            await _round(live, servers, round_no, figures)
            figures.rounds_survived += 1
    finally:
        live.stop()


async def _acked_grows(clients: list[Client], start: int, by: int = 3, timeout: float = 180) -> int:
    """Wait until the clients have `by` more acknowledged mutations than `start`; the count."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (count := sum(len(c.acked) for c in clients)) < start + by:
        if loop.time() > deadline:
            errors = [e for c in clients for e in c.errors][-5:]
            raise AssertionError(f"writes did not go on ({count} acknowledged; last errors {errors})")
        await asyncio.sleep(0.1)
    return count


async def _round(live: LiveApi, servers: Servers, round_no: int, figures: Figures) -> None:
    clients = [Client(live.url, round_no * 100 + n) for n in range(CLIENTS)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(c.run(stop)) for c in clients]
    loop = asyncio.get_running_loop()
    try:
        before_nats = await _acked_grows(clients, 0)
        await loop.run_in_executor(None, servers.restart_nats, signal.SIGKILL if round_no % 2 else signal.SIGTERM)
        before_neo4j = await _acked_grows(clients, before_nats)
        await loop.run_in_executor(None, servers.restart_neo4j)
        await _acked_grows(clients, before_neo4j)
    finally:
        stop.set()
        try:
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
        except TimeoutError:
            errors = [e for c in clients for e in c.errors][-5:]
            raise AssertionError(f"the clients' last mutations got no answer within 300 s (last errors {errors})") from None
    acked = {name: uid for c in clients for name, uid in c.acked.items()}
    errors = [e for c in clients for e in c.errors]
    unclear = [e for e in errors if "internal error" in e or e.startswith("5") and "store.unavailable" not in e]
    assert not unclear, f"unclear errors: {unclear[:5]}"
    # the event log: each name created exactly once (retries with one key were never applied twice)
    created: dict[str, list[str]] = {}
    log = await asyncio.get_running_loop().run_in_executor(None, live.call, live.resources.store.read_range("main"))
    for stored in log:
        event = stored.event
        if isinstance(event, NodeCreated) and event.kind == "TestingPerson":
            created.setdefault(str(event.attributes["name"].value), []).append(event.node_id)
    doubled = {n: ids for n, ids in created.items() if len(ids) > 1}
    assert not doubled, f"applied twice: {doubled}"
    lost = [n for n, uid in acked.items() if created.get(n) != [uid]]
    figures.writes_lost += len(lost)
    figures.mutations_checked += len(acked)
    assert not lost, f"acknowledged but not stored as answered: {lost[:5]}"
    # the graph: every acknowledged object readable, once
    async with httpx.AsyncClient(timeout=120, headers=TOKEN_HEADERS) as http:
        body = (await http.post(f"{live.url}/graphql", json={"query": "{ TestingPerson { edges { node { id name { value } } } } }"})).json()
    in_graph: dict[str, list[str]] = {}
    for edge in body["data"]["TestingPerson"]["edges"]:
        in_graph.setdefault(edge["node"]["name"]["value"], []).append(edge["node"]["id"])
    assert all(in_graph.get(n) == [uid] for n, uid in acked.items()), "the graph holds every acknowledged object once"
    figures.notes.append(f"restart round {round_no}: {len(acked)} acknowledged, {sum(len(c.retried) for c in clients)} retried, "
                         f"{len(errors)} clear errors seen by clients")  # fmt: skip
