"""A worker for an empty stream (a branch just created) makes no consumer and reads no
checkpoint until the stream's first message, which it then projects as any."""

from __future__ import annotations

import asyncio
import uuid

import nats.js.errors
import pytest
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_events import AttributeValue, NodeCreated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_eventstore.first_message import until_first_message
from strata_projection.stream_worker import StreamWorker, WorkerOptions

pytestmark = pytest.mark.integration


async def _world(nc: Client, neo4j_driver: AsyncDriver, prefix: str) -> tuple[StreamNames, EventStore, GraphProjection, DeadLetters]:
    names = StreamNames(prefix=prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    dead = DeadLetters(nc.jetstream(), names)
    await dead.ensure_stream()
    projection = GraphProjection(neo4j_driver, "neo4j")
    await projection.ensure_schema()
    return names, store, projection, dead


def _tag(names: StreamNames, name: str) -> PendingEvent:
    node = uuid.uuid4().hex
    return PendingEvent(names.node_subject("main", node), NodeCreated(node_id=node, kind="BuiltinTag",
                                                                    attributes={"name": AttributeValue(value=name)}))  # fmt: skip


async def test_an_empty_stream_gets_its_consumer_with_its_first_message(
    nc: Client, neo4j_driver: AsyncDriver, stream_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names, store, projection, dead = await _world(nc, neo4j_driver, stream_prefix)
    reads: list[str] = []
    checkpoint = GraphProjection.checkpoint

    async def counted(self: GraphProjection, stream: str) -> int:
        reads.append(stream)
        return await checkpoint(self, stream)

    monkeypatch.setattr(GraphProjection, "checkpoint", counted)
    worker = StreamWorker(nc, names, projection, dead, "main", WorkerOptions(idle_wait_s=120.0))
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        await asyncio.sleep(0.5)
        with pytest.raises(nats.js.errors.NotFoundError):
            await nc.jetstream().consumer_info(names.stream("main"), "projector")
        assert reads == []
        head = (await store.append("main", [_tag(names, "first")], expected_head=0)).head_seq
        for _ in range(100):  # well inside the 120 s the worker would wait between looks
            if worker.status.checkpoint >= head:
                break
            await asyncio.sleep(0.1)
        assert worker.status.checkpoint == head
        assert (await nc.jetstream().consumer_info(names.stream("main"), "projector")).name == "projector"
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def test_a_stream_holding_messages_is_not_waited_on_and_a_stop_ends_the_wait(
    nc: Client, neo4j_driver: AsyncDriver, stream_prefix: str
) -> None:
    names, store, _, _ = await _world(nc, neo4j_driver, stream_prefix)
    stream, subjects = names.stream("main"), names.branch_subjects("main")
    stop = asyncio.Event()
    waiting = asyncio.create_task(until_first_message(nc, stream, subjects, stop, recheck_s=120.0))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    stop.set()
    assert await asyncio.wait_for(waiting, timeout=10) is False

    await store.append("main", [_tag(names, "held")], expected_head=0)
    assert await asyncio.wait_for(until_first_message(nc, stream, subjects, asyncio.Event(), recheck_s=120.0), 5) is True
