"""The projector's supervisor outlives a NATS outage: while NATS is away its periodic stream
listing fails, and that must not end the supervisor (it did, and every later write waited in
vain for its projection)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
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
from strata_projection.stream_worker import WorkerOptions
from strata_projection.supervisor import ProjectorSupervisor
from strata_stack.nats_runtime import start_nats, stop_process, wait_for_nats
from tests.conftest import own_nats_config

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

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


async def test_the_supervisor_goes_on_projecting_after_a_nats_outage(
    tmp_path: Path, neo4j_driver: AsyncDriver
) -> None:
    config = own_nats_config(tmp_path / "store")
    proc = start_nats(config, tmp_path / "nats.log")
    wait_for_nats(config)
    nc = await nats.connect(config.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    names = StreamNames(prefix="OUTAGE")
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    supervisor = ProjectorSupervisor(nc, store, GraphProjection(neo4j_driver, "neo4j"),
                                     DeadLetters(nc.jetstream(), names), WorkerOptions(),
                                     discover_interval_s=0.1)  # fmt: skip
    stop = asyncio.Event()
    task = asyncio.create_task(supervisor.run(stop))
    try:
        before = await _append_tag(store, names)
        assert await _projected(neo4j_driver, before), "projected before the outage"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        await asyncio.sleep(OUTAGE_S)
        proc = start_nats(config, tmp_path / "nats.log")
        wait_for_nats(config)
        after = await _append_tag(store, names)
        assert await _projected(neo4j_driver, after), "a write after the outage is projected"
        assert not task.done(), "the supervisor still runs"
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, timeout=30)
        await nc.close()
        with contextlib.suppress(Exception):
            stop_process(proc)
