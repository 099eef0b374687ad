"""The feed relay against real NATS and Neo4j: after projection only, in order, restart-safe."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_events import AttributeValue, BranchCreated, NodeCreated, NodeUpdated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_feed.contract import FeedNames
from strata_feed.relay import BranchRelay
from strata_feed.wiring import run_feed_relay
from strata_graph.projection import GraphProjection
from tests.integration.eventgen import append_workload
from tests.integration.feed.feed_reading import Running, read_feed, start_projector, start_relay, wait_for

pytestmark = pytest.mark.integration


def _tag(name: str) -> NodeCreated:
    return NodeCreated(node_id=uuid.uuid4().hex, kind="BuiltinTag", attributes={"name": AttributeValue(value=name)})


async def test_feed_waits_for_the_projection_then_tells_each_change(
    nc: Client, neo4j_driver: AsyncDriver, settings: Settings
) -> None:
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    red, blue = _tag("red"), _tag("blue")
    first = await store.append("main", [PendingEvent(names.node_subject("main", red.node_id), red)],
                               expected_head=0, actor="alice", correlation_id="corr-1")  # fmt: skip
    link = NodeUpdated(node_id=red.node_id, kind="BuiltinTag", peers_added={"member_of": [blue.node_id]})
    second = await store.append(
        "main",
        [PendingEvent(names.node_subject("main", blue.node_id), blue),
         PendingEvent(names.node_subject("main", red.node_id), link)],
        expected_head=first.head_seq, actor="bob",
    )  # fmt: skip
    _, relay = await start_relay(nc, neo4j_driver, settings)
    try:
        await asyncio.sleep(1.5)
        assert await read_feed(nc, settings.stream_prefix) == [], "nothing before the projector applied it"
        projector = await start_projector(nc, neo4j_driver, settings)
        try:
            await wait_for(lambda: _count(nc, settings.stream_prefix, 3))
            checkpoint = await GraphProjection(neo4j_driver, "neo4j").checkpoint(names.stream("main"))
        finally:
            await projector.stop()
    finally:
        await relay.stop()
    feed = await read_feed(nc, settings.stream_prefix)
    events = [e for _, _, e in feed]
    assert [(e.type, e.node_id, e.actor) for e in events] == [
        ("node.created", red.node_id, "alice"),
        ("node.created", blue.node_id, "bob"),
        ("relationship.added", red.node_id, "bob"),
    ]
    assert all(e.seq <= checkpoint for e in events)
    assert events[0].correlation_id == "corr-1" and events[0].branch == "main"
    assert events[2].changes == {"relationship": "member_of", "peers": [blue.node_id]}
    feed_names = FeedNames(prefix=settings.stream_prefix)
    assert [s for _, s, _ in feed][2] == feed_names.subject("main", "relationship.added", "BuiltinTag")
    assert len({e.id for e in events}) == 3


async def _count(nc: Client, prefix: str, at_least: int) -> bool:
    return len(await read_feed(nc, prefix)) >= at_least


async def test_relay_killed_mid_stream_loses_nothing_and_duplicates_are_absorbed(
    nc: Client, neo4j_driver: AsyncDriver, settings: Settings
) -> None:
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    branch_id = uuid.uuid4().hex
    created = BranchCreated(branch_id=branch_id, name="feature", origin="main", fork_seq=0)
    await store.append("main", [PendingEvent(names.branch_event_subject("main"), created)], expected_head=0)
    await store.ensure_branch_stream(branch_id)
    await store.append(branch_id, [PendingEvent(names.branch_event_subject(branch_id), created)], expected_head=0)
    await append_workload(store, "main", mutations=40, per_mutation=10, seed=3)
    projector = await start_projector(nc, neo4j_driver, settings)
    try:
        relay, running = await start_relay(nc, neo4j_driver, settings)
        await wait_for(lambda: _count(nc, settings.stream_prefix, 50), timeout_s=90)
        await running.kill()  # mid-stream: pages published but not acknowledged come again
        partial = len(await read_feed(nc, settings.stream_prefix))
        await append_workload(store, branch_id, mutations=20, per_mutation=10, seed=4)  # and more comes
        relay, running = await start_relay(nc, neo4j_driver, settings)
        expected = 1 + 40 * 10 + 20 * 10  # one branch.created, one message per node event here
        await wait_for(lambda: _count(nc, settings.stream_prefix, expected), timeout_s=90)
        await asyncio.sleep(1.0)  # let anything extra arrive before counting
        await running.stop()
        # a relay that lost its position entirely publishes everything again: all absorbed
        await nc.jetstream().delete_consumer(names.stream("main"), settings.feed_relay_name)
        relay, running = await start_relay(nc, neo4j_driver, settings)
        await wait_for(lambda: _relayed(relay.relays, "main", names, store), timeout_s=90)
        await running.stop()
    finally:
        await projector.stop()
    assert partial < expected
    feed = [e for _, _, e in await read_feed(nc, settings.stream_prefix)]
    assert len(feed) == expected, "each change exactly once in the stream"
    assert len({e.id for e in feed}) == expected
    assert relay.publisher.duplicates >= 40 * 10 and relay.publisher.published == 0
    for branch in ("main", branch_id):
        seqs = [e.seq for e in feed if e.branch_id == branch and e.type.startswith("node.")]
        assert seqs == sorted(seqs), f"ordered per branch ({branch})"
    assert {e.branch for e in feed if e.branch_id == branch_id} == {"feature"}


async def _relayed(relays: dict[str, BranchRelay], branch_id: str, names: StreamNames, store: EventStore) -> bool:
    relay = relays.get(branch_id)
    return relay is not None and relay.relayed_seq >= await store.last_seq(branch_id)


async def test_two_workers_one_relays_and_the_other_takes_over(
    nc: Client, neo4j_driver: AsyncDriver, settings: Settings
) -> None:
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    first = Running(lambda stop: run_feed_relay(nc, neo4j_driver, settings, stop))
    await asyncio.sleep(1.0)  # the first takes the lock
    second = Running(lambda stop: run_feed_relay(nc, neo4j_driver, settings, stop))
    projector = await start_projector(nc, neo4j_driver, settings)
    try:
        await append_workload(store, "main", mutations=20, per_mutation=10, seed=5)
        await wait_for(lambda: _count(nc, settings.stream_prefix, 200), timeout_s=60)
        await first.stop()  # releases the lock: the second one leads from the acknowledged floor
        await append_workload(store, "main", mutations=20, per_mutation=10, seed=6)
        await wait_for(lambda: _count(nc, settings.stream_prefix, 400), timeout_s=60)
        await asyncio.sleep(1.0)
        await second.stop()
    finally:
        await projector.stop()
    feed = [e for _, _, e in await read_feed(nc, settings.stream_prefix)]
    assert len(feed) == 400 and len({e.id for e in feed}) == 400
    seqs = [e.seq for e in feed]
    assert seqs == sorted(seqs), "one relay at a time keeps the branch's order"
