"""`strata audit`, `strata replay` and `strata verify` run as a user runs them (the CLI in its own
process) against the log and read model that the API and the projector just wrote."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_graph.maintenance import graph_digest
from tests.conftest import running_neo4j
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _create, _gql
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration


class Run(msgspec.Struct):
    code: int
    out: str
    err: str

    @property
    def last_line(self) -> str:
        return self.out.strip().splitlines()[-1]


async def _strata(settings: Settings, *args: str, timeout_s: float = 300.0) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
    env.update({"STRATA_NATS_URL": settings.nats_url, "STRATA_NEO4J_URI": settings.neo4j_uri,
                "STRATA_STREAM_PREFIX": settings.stream_prefix, "STRATA_DATA_DIR": settings.data_dir})  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "strata_cli.main", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout_s)
    return Run(code=int(proc.returncode or 0), out=out.decode(), err=err.decode())


def _jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
async def world(api: AsyncTestClient) -> AsyncTestClient:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    return api


async def test_audit_reports_a_known_sequence_of_changes(world: AsyncTestClient, nc: Client, settings: Settings, tmp_path: Path) -> None:  # type: ignore[type-arg]
    started = datetime.now(UTC)
    alice = await _create(world, "Alice")
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 170}}) { ok } }' % alice)
    await _gql(world, 'mutation { BranchCreate(data: {name: "a1"}) { ok } }')
    await _gql(world, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 171}}) { ok } }' % alice, "a1")
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    on_main = await store.read_object("main", alice)
    branch_id = next(b for b in await store.branch_ids() if b != "main")
    on_a1 = await store.read_object(branch_id, alice)
    expected = [(settings.stream_prefix + "_BR_main", e) for e in on_main] + [(store.names.stream(branch_id), e) for e in on_a1]

    history = await _strata(settings, "audit", "object", alice, "--branch", "a1", "--format", "jsonl")
    assert history.code == 0, history.err
    records = _jsonl(history.out)
    assert [r["event_id"] for r in records] == [f"{stream}:{e.seq}" for stream, e in expected]
    assert [r["branch"] for r in records] == ["main", "main", "a1"]
    assert [r["type"] for r in records] == ["node.created", "node.updated", "node.updated"]
    assert [r["operation"] for r in records] == ["TestingPersonCreate", "TestingPersonUpdate", "TestingPersonUpdate"]
    assert [r["time"] for r in records] == [e.time.isoformat() for _, e in expected]
    actor = on_main[0].actor
    assert actor and all(r["actor"] == actor for r in records)
    assert records[2]["event"]["attributes"]["height"]["value"] == 171

    out_file = tmp_path / "a1.jsonl"
    changes = await _strata(settings, "audit", "changes", "--branch", "a1", "--format", "jsonl", "--output", str(out_file))
    assert changes.code == 0 and changes.out == "", changes.err
    on_branch = _jsonl(out_file.read_text())
    # the branch's stream holds its own changes; its branch.created is on main's (one append)
    assert [(r["type"], r["operation"]) for r in on_branch] == [("node.updated", "TestingPersonUpdate")]
    assert all(r["branch"] == "a1" and r["event_id"].startswith(store.names.stream(branch_id)) for r in on_branch)

    people = await _strata(settings, "audit", "changes", "--since", started.isoformat(), "--kind", "TestingPerson", "--format", "jsonl")
    assert [(r["branch"], r["type"], r["operation"]) for r in _jsonl(people.out)] == [
        ("main", "node.created", "TestingPersonCreate"), ("main", "node.updated", "TestingPersonUpdate"),
        ("a1", "node.updated", "TestingPersonUpdate")]  # fmt: skip
    nobody = await _strata(settings, "audit", "changes", "--since", "1h", "--actor", "nobody", "--format", "jsonl")
    assert nobody.code == 0 and nobody.out == ""
    before = await _strata(settings, "audit", "changes", "--until", started.isoformat(), "--kind", "TestingPerson", "--format", "jsonl")
    assert before.code == 0 and before.out == ""

    raw = await _strata(settings, "audit", "events", "--branch-id", branch_id)
    assert raw.code == 0, raw.err
    stored = await store.read_range(branch_id)
    printed = _jsonl(raw.out)
    assert [(r["seq"], r["subject"], r["time"]) for r in printed] == [
        (e.seq, e.subject, e.time.isoformat().replace("+00:00", "Z")) for e in stored]  # fmt: skip
    assert all("stored_ns" not in r and r["mutation_id"] == e.mutation_id for r, e in zip(printed, stored, strict=True))
    assert printed[0]["event"]["attributes"]["height"]["value"] == 171

    table = await _strata(settings, "audit", "changes", "--since", "1h", "--kind", "TestingPerson")
    assert table.code == 0 and "TestingPersonUpdate" in table.out and f":{on_a1[0].seq}" in table.out
    unknown = await _strata(settings, "audit", "object", alice, "--branch", "nope")
    assert unknown.code == 2 and "nope" in unknown.err
    bad_time = await _strata(settings, "audit", "changes", "--since", "yesterday")
    assert bad_time.code == 2 and "--since" in bad_time.err


async def _mixed_workload(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    alice, bob = await _create(api, "Alice"), await _create(api, "Bob")
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 180}}) { ok } }' % alice)
    for name in ("w1", "w2"):
        await _gql(api, 'mutation { BranchCreate(data: {name: "%s"}) { ok } }' % name)
    carol = await _create(api, "Carol", "w1")
    await _gql(api, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 150}}) { ok } }' % bob, "w1")
    dave = await _create(api, "Dave", "w2")
    await _gql(api, 'mutation { TestingPersonDelete(data: {id: "%s"}) { ok } }' % dave, "w2")
    await _gql(api, 'mutation { BranchMerge(data: {name: "w1"}) { ok } }')
    await _gql(api, 'mutation { TestingPersonDelete(data: {id: "%s"}) { ok } }' % carol)
    await _create(api, "Erin", "w2")


@pytest.fixture(scope="module")
def side_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second Neo4j, for `--neo4j-uri` (the default path starts its own)."""
    with running_neo4j(tmp_path_factory.mktemp("side-neo4j"), heap="512m", pagecache="256m") as uri:
        yield uri


async def test_verify_equal_after_a_mixed_workload_then_different_once_tampered(
    world: AsyncTestClient, settings: Settings, neo4j_driver: AsyncDriver, side_neo4j: str  # type: ignore[type-arg]
) -> None:
    await _mixed_workload(world)
    equal = await _strata(settings, "verify", "--neo4j-heap", "512m")
    assert equal.code == 0, equal.out + equal.err
    assert equal.last_line.startswith("verify: EQUAL digest ")
    assert "on 3 branches" in equal.last_line
    assert equal.out.count(": equal") == 3

    replay = await _strata(settings, "replay", "--neo4j-uri", side_neo4j)
    assert replay.code == 0, replay.err
    assert replay.last_line.endswith(f"digest {await graph_digest(neo4j_driver, 'neo4j')}")
    events = int(replay.last_line.split()[1])
    assert f"over {events} events on 3 branches" in equal.last_line

    await neo4j_driver.execute_query(
        "MATCH (r:Rec {branch: 'main', kind: 'TestingPerson'}) WITH r ORDER BY r.uid LIMIT 1 SET r.deleted = true",
        database_="neo4j",
    )
    different = await _strata(settings, "verify", "--neo4j-uri", side_neo4j)
    assert different.code == 1, different.out + different.err
    assert different.last_line.startswith("verify: DIFFERENT on main:")
    assert sum(": equal" in line for line in different.out.splitlines()) == 2

    live_target = await _strata(settings, "replay", "--neo4j-uri", settings.neo4j_uri)
    assert live_target.code == 2 and "live read model" in live_target.err
