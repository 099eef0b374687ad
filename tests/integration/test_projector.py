"""The projector against real NATS and Neo4j: batches, checkpoints, crashes, dead letters."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import msgspec
import pytest
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_events import AttributeValue, NodeCreated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_graph import maintenance
from strata_graph.maintenance import graph_digest, wipe_graph
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import REASON_HEADER, DeadLetters
from strata_projection.stream_worker import StreamWorker, WorkerOptions
from tests.integration.eventgen import append_workload

pytestmark = pytest.mark.integration

COUNT_OPEN = "MATCH (r:Rec {branch: $b}) WHERE r.to_seq = 2^62 RETURN count(r) AS n"
COUNT_OPEN_LIVE = (
    "MATCH (r:Rec {branch: $b, deleted: false}) WHERE r.to_seq = 4611686018427387904 "
    "RETURN count(r) AS n"
)
GET_OPEN = (
    "MATCH (r:Rec {uid: $uid, branch: $b}) WHERE r.to_seq = 4611686018427387904 "
    "RETURN r.attrs AS attrs, r.deleted AS deleted, r.from_seq AS from_seq"
)


async def _project(
    nc: Client, driver: AsyncDriver, names: StreamNames, branch_id: str, until: int
) -> StreamWorker:
    js = nc.jetstream()
    dead = DeadLetters(js, names)
    await dead.ensure_stream()
    projection = GraphProjection(driver, "neo4j")
    await projection.ensure_schema()
    worker = StreamWorker(nc, names, projection, dead, branch_id, WorkerOptions())
    await asyncio.wait_for(worker.run(asyncio.Event(), until_seq=until), timeout=120)
    return worker


async def test_projects_batches_and_a_redelivery_changes_nothing(
    nc: Client, neo4j_driver: AsyncDriver, stream_prefix: str
) -> None:
    names = StreamNames(prefix=stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    node = uuid.uuid4().hex
    created = NodeCreated(
        node_id=node, kind="BuiltinTag", attributes={"name": AttributeValue(value="blue")}
    )
    result = await store.append(
        "main", [PendingEvent(names.node_subject("main", node), created)], expected_head=0
    )
    await _project(nc, neo4j_driver, names, "main", result.head_seq)
    records, _, _ = await neo4j_driver.execute_query(GET_OPEN, uid=node, b="main", database_="neo4j")
    assert len(records) == 1
    assert msgspec.json.decode(records[0]["attrs"])["name"]["value"] == "blue"
    assert records[0]["from_seq"] == result.head_seq
    digest = await graph_digest(neo4j_driver, "neo4j")
    # a second consumer re-reads everything: the checkpoint makes it a no-op
    js = nc.jetstream()
    await js.delete_consumer(names.stream("main"), "projector")
    projection = GraphProjection(neo4j_driver, "neo4j")
    worker = StreamWorker(nc, names, projection, DeadLetters(js, names), "main", WorkerOptions())
    await worker._prepare_consumer(0)  # force a consumer that starts from the beginning
    await asyncio.wait_for(worker.run(asyncio.Event(), until_seq=result.head_seq), timeout=60)
    assert await graph_digest(neo4j_driver, "neo4j") == digest


async def test_the_digest_does_not_depend_on_how_rows_are_chunked(
    nc: Client, neo4j_driver: AsyncDriver, stream_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = StreamNames(prefix=stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    await append_workload(store, "main", mutations=3, per_mutation=7)
    await _project(nc, neo4j_driver, names, "main", await store.last_seq("main"))
    whole = await graph_digest(neo4j_driver, "neo4j")
    monkeypatch.setattr(maintenance, "_CHUNK", 2)  # every query now answers several records
    assert await graph_digest(neo4j_driver, "neo4j") == whole
    records, _, _ = await neo4j_driver.execute_query("MATCH (r:Rec) SET r.rels = '{}' RETURN count(r) AS n", database_="neo4j")
    assert records[0]["n"] > 2 and await graph_digest(neo4j_driver, "neo4j") != whole


async def test_open_batch_is_invisible_to_the_projector(
    nc: Client, neo4j_driver: AsyncDriver, stream_prefix: str
) -> None:
    names = StreamNames(prefix=stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    await append_workload(store, "main", mutations=2, per_mutation=5)
    committed_end = await store.last_seq("main")
    ghost = uuid.uuid4().hex
    event = NodeCreated(node_id=ghost, kind="BuiltinTag")
    headers = {"Nats-Batch-Id": uuid.uuid4().hex, "Nats-Batch-Sequence": "1",
               "Strata-Event-Type": "node.created", "Strata-Event-Version": "1"}  # fmt: skip
    await nc.request(names.node_subject("main", ghost), msgspec.json.encode(event), headers=headers)
    await _project(nc, neo4j_driver, names, "main", committed_end)
    records, _, _ = await neo4j_driver.execute_query(GET_OPEN, uid=ghost, b="main", database_="neo4j")
    assert records == []
    assert await store.last_seq("main") == committed_end


async def test_undecodable_message_goes_to_dead_letters_and_projection_goes_on(
    nc: Client, neo4j_driver: AsyncDriver, stream_prefix: str
) -> None:
    names = StreamNames(prefix=stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    js = nc.jetstream()
    bad_subject = names.node_subject("main", "broken")
    await js.publish(bad_subject, b"{not json", headers={"Strata-Event-Type": "node.created"})
    node = uuid.uuid4().hex
    after = NodeCreated(node_id=node, kind="BuiltinTag", attributes={"name": AttributeValue(value="ok")})
    result = await store.append(
        "main", [PendingEvent(names.node_subject("main", node), after)], expected_head=None
    )
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        await _project(nc, neo4j_driver, names, "main", result.head_seq)
    dead = await js.get_last_msg(names.dead_letter_stream, names.dead_letter_subject("main"))
    assert dead.data == b"{not json"
    assert dead.headers is not None and "JSON" in dead.headers[REASON_HEADER]
    assert dead.headers["Strata-Dead-Letter-Seq"] == "1"
    assert any(entry["event"] == "event_dead_lettered" for entry in logs)
    records, _, _ = await neo4j_driver.execute_query(GET_OPEN, uid=node, b="main", database_="neo4j")
    assert len(records) == 1


def _projector_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
    env.update(
        STRATA_NATS_URL=settings.nats_url,
        STRATA_NEO4J_URI=settings.neo4j_uri,
        STRATA_STREAM_PREFIX=settings.stream_prefix,
        STRATA_LOG_FORMAT="json",
        STRATA_LOG_LEVEL="debug",
    )
    env.update(extra)
    return env


async def _checkpoint(driver: AsyncDriver, stream: str) -> int:
    return await GraphProjection(driver, "neo4j").checkpoint(stream)


async def _wait_checkpoint(driver: AsyncDriver, stream: str, target: int, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await _checkpoint(driver, stream) < target:
        if loop.time() > deadline:
            raise TimeoutError(f"checkpoint of {stream} did not reach {target}")
        await asyncio.sleep(0.05)


async def test_projector_killed_mid_batch_recovers_to_the_rebuilt_graph(
    nc: Client, neo4j_driver: AsyncDriver, settings: Settings, tmp_path: Path
) -> None:
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    await append_workload(store, "main", mutations=40, per_mutation=50)
    end = await store.last_seq("main")
    stream = names.stream("main")
    log = (tmp_path / "projector.log").open("wb")
    # Each transaction sleeps 0.4 s before committing: a kill at any moment after the first
    # commit lands inside an open transaction almost surely; we check it did below.
    slow = subprocess.Popen(
        [sys.executable, "-m", "strata_projector"],
        env=_projector_env(settings, STRATA_PROJECTOR_HOLD_IN_TX_S="0.4"),
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        await _wait_checkpoint(neo4j_driver, stream, 1, timeout=60)
        await asyncio.sleep(0.2)
        slow.send_signal(signal.SIGKILL)
        slow.wait(10)
    finally:
        if slow.poll() is None:
            slow.kill()
    killed_at = await _checkpoint(neo4j_driver, stream)
    assert 0 < killed_at < end, "the kill must land before the projector finished"
    restarted = subprocess.Popen(
        [sys.executable, "-m", "strata_projector"], env=_projector_env(settings),
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        await _wait_checkpoint(neo4j_driver, stream, end, timeout=120)
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(30)
    live_digest = await graph_digest(neo4j_driver, "neo4j")
    await wipe_graph(neo4j_driver, "neo4j")
    await nc.jetstream().delete_consumer(stream, "projector")
    await _project(nc, neo4j_driver, names, "main", end)
    assert await graph_digest(neo4j_driver, "neo4j") == live_digest
    live, _, _ = await neo4j_driver.execute_query(COUNT_OPEN_LIVE, b="main", database_="neo4j")
    assert live[0]["n"] > 0


async def test_a_caught_up_worker_waits_long_for_news_yet_stops_at_once_and_sees_news_at_once(
    nc: Client, neo4j_driver: AsyncDriver, stream_prefix: str
) -> None:
    """A quiet stream costs one pull per `idle_wait_s`, not one per half second: a message
    still ends the wait as it comes, and so does a stop."""
    names = StreamNames(prefix=stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    js = nc.jetstream()
    dead = DeadLetters(js, names)
    await dead.ensure_stream()
    projection = GraphProjection(neo4j_driver, "neo4j")
    await projection.ensure_schema()
    worker = StreamWorker(nc, names, projection, dead, "main", WorkerOptions(idle_wait_s=120.0))
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    head = 0
    for news in ("first", "news"):  # the first wakes the empty stream's worker; the second ends a held pull
        await asyncio.sleep(0.5)  # caught up and waiting
        node = uuid.uuid4().hex
        created = NodeCreated(node_id=node, kind="BuiltinTag", attributes={"name": AttributeValue(value=news)})
        result = await store.append("main", [PendingEvent(names.node_subject("main", node), created)], expected_head=head)
        head = result.head_seq
        for _ in range(100):  # well inside the 120 s wait
            if worker.status.checkpoint >= head:
                break
            await asyncio.sleep(0.1)
        assert worker.status.checkpoint == head
    stop.set()
    await asyncio.wait_for(task, timeout=10)  # not the rest of the 120 s wait
