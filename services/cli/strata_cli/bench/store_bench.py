"""Append rate: the event store's atomic batches beside raw nats-py publishes of the same bytes."""

from __future__ import annotations

import asyncio
import time
import uuid

import nats
from nats.js.api import StorageType, StreamConfig

from strata_cli.bench.figures import print_row, print_title
from strata_events import AttributeValue, NodeCreated, encode_event
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent

__all__ = ["bench_store"]


def _events(names: StreamNames, count: int) -> list[PendingEvent]:
    out = []
    for i in range(count):
        node = uuid.uuid4().hex
        event = NodeCreated(
            node_id=node,
            kind="DcimDevice",
            attributes={"name": AttributeValue(value=f"device-{i:06d}"), "status": AttributeValue(value="active")},
        )
        out.append(PendingEvent(names.node_subject("main", node), event))
    return out


async def bench_store(nats_url: str, *, total_events: int) -> None:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    print_title(f"append rate ({total_events:,} events per case, ~{len(encode_event(_events(StreamNames(), 1)[0].event))} B each)")
    for batch_size in (1, 100, 1000):
        names = StreamNames(prefix=f"BENCH{batch_size}")
        store = EventStore(nc, names)
        await store.ensure_branch_stream("main")
        events = _events(names, total_events)
        head = 0
        started = time.perf_counter()
        for start in range(0, total_events, batch_size):
            result = await store.append("main", events[start : start + batch_size], expected_head=head)
            head = result.head_seq
        strata_rate = total_events / (time.perf_counter() - started)
        # raw floor: the same payloads published with nats-py, acks awaited per batch-sized group
        raw_stream = f"RAW{batch_size}"
        await js.add_stream(StreamConfig(name=raw_stream, subjects=[f"raw{batch_size}.>"], storage=StorageType.FILE))
        payloads = [encode_event(p.event) for p in events]
        started = time.perf_counter()
        for start in range(0, total_events, batch_size):
            chunk = payloads[start : start + batch_size]
            await asyncio.gather(*(js.publish(f"raw{batch_size}.n.{i}", data) for i, data in enumerate(chunk)))
        raw_rate = total_events / (time.perf_counter() - started)
        print_row(f"batch of {batch_size:>4}: strata append (atomic, OCC)", strata_rate, "events/s", floor=raw_rate)
        print_row(f"batch of {batch_size:>4}: raw nats-py js.publish", raw_rate, "events/s")
    await nc.close()
