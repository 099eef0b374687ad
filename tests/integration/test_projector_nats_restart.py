"""The projector's supervisor outlives a NATS outage: while NATS is away its periodic stream
listing fails, and that must not end the supervisor (it did, and every later write waited in
vain for its projection)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import nats
import pytest
from neo4j import AsyncDriver

from strata_core.errors import StrataError
from strata_events import AttributeValue, NodeCreated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import StreamWorker, WorkerOptions
from strata_projection.supervisor import ProjectorSupervisor
from tests.private_nats import PrivateNats

pytestmark = [pytest.mark.integration, pytest.mark.timeout(400)]

OPEN_TAG = "MATCH (r:Rec {uid: $uid, branch: 'main'}) WHERE r.to_seq = 4611686018427387904 RETURN count(r) AS n"
OUTAGE_S = 6.0  # longer than the listing's 5 s request timeout: a listing sent into it fails


async def _append_tag(store: EventStore, names: StreamNames) -> str:
    node = uuid.uuid4().hex
    event = NodeCreated(node_id=node, kind="BuiltinTag", attributes={"name": AttributeValue(value=node)})
    for _ in range(200):
        try:
            await store.append("main", [PendingEvent(names.node_subject("main", node), event)], expected_head=None)
            return node
        except (StrataError, nats.errors.Error, asyncio.TimeoutError):
            await asyncio.sleep(0.1)
    raise AssertionError("NATS did not take the write back")


async def _projected(driver: AsyncDriver, uid: str, timeout: float = 60) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        records, _, _ = await driver.execute_query(OPEN_TAG, uid=uid, database_="neo4j")
        if records[0]["n"] == 1:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_quiet_worker_pulls_again_when_nats_comes_back_not_when_its_wait_ends(
    tmp_path: Path, neo4j_driver: AsyncDriver
) -> None:
    """A caught-up worker's pull waits long (`idle_wait_s`); the server held that request on a
    connection that died with it, so the worker must ask again once reconnected, not wait out
    its 300 s."""
    server = PrivateNats(tmp_path, "QUIET")
    store = await server.connect()
    worker = StreamWorker(server.nc, server.names, GraphProjection(neo4j_driver, "neo4j"),
                          DeadLetters(server.nc.jetstream(), server.names), "main",
                          WorkerOptions(idle_wait_s=300.0))  # fmt: skip
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        before = await _append_tag(store, server.names)
        assert await _projected(neo4j_driver, before), "projected before the restart"
        await asyncio.sleep(1.0)  # caught up: the worker's pull now waits on the server
        await server.restart(1.0)
        after = await _append_tag(store, server.names)
        assert await _projected(neo4j_driver, after, timeout=60), "projected long before the 300 s wait ends"
    finally:
        await server.close(stop, task)


async def test_the_supervisor_goes_on_projecting_after_a_nats_outage(
    tmp_path: Path, neo4j_driver: AsyncDriver
) -> None:
    server = PrivateNats(tmp_path, "OUTAGE")
    store = await server.connect()
    supervisor = ProjectorSupervisor(server.nc, store, GraphProjection(neo4j_driver, "neo4j"),
                                     DeadLetters(server.nc.jetstream(), server.names), WorkerOptions(),
                                     discover_interval_s=0.1)  # fmt: skip
    stop = asyncio.Event()
    task = asyncio.create_task(supervisor.run(stop))
    try:
        before = await _append_tag(store, server.names)
        assert await _projected(neo4j_driver, before), "projected before the outage"
        await server.restart(OUTAGE_S)
        after = await _append_tag(store, server.names)
        assert await _projected(neo4j_driver, after), "a write after the outage is projected"
        assert not task.done(), "the supervisor still runs"
    finally:
        await server.close(stop, task)
