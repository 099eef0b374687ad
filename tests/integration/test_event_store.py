"""The event store against a real nats-server: append, OCC, dedupe, atomic visibility."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from nats.aio.client import Client

from strata_core.errors import BatchTooLarge, ConcurrencyConflict
from strata_events import AttributeValue, MutationCommitted, NodeCreated, NodeUpdated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent

pytestmark = pytest.mark.integration


@pytest.fixture
async def store(nc: Client) -> EventStore:
    names = StreamNames(prefix=f"T{uuid.uuid4().hex[:10].upper()}")
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    return store


def _created(store: EventStore, node_id: str, name: str = "x") -> PendingEvent:
    event = NodeCreated(
        node_id=node_id, kind="BuiltinTag", attributes={"name": AttributeValue(value=name)}
    )
    return PendingEvent(store.names.node_subject("main", node_id), event)


async def test_append_and_read_back(store: EventStore) -> None:
    ids = [uuid.uuid4().hex for _ in range(3)]
    result = await store.append(
        "main", [_created(store, i, f"n{n}") for n, i in enumerate(ids)], expected_head=0, actor="alice"
    )
    assert result.head_seq == 4 and result.count == 4 and not result.duplicate
    events = await store.read_range("main")
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.event.node_id for e in events[:3] if isinstance(e.event, NodeCreated)] == ids
    head = events[-1]
    assert isinstance(head.event, MutationCommitted) and head.event.event_count == 3
    assert head.actor == "alice" and head.batch_commit
    assert len({e.mutation_id for e in events}) == 1
    assert await store.head("main") == 4


async def test_read_by_object_and_range(store: EventStore) -> None:
    a, b = uuid.uuid4().hex, uuid.uuid4().hex
    r1 = await store.append("main", [_created(store, a), _created(store, b)], expected_head=0)
    update = NodeUpdated(node_id=a, kind="BuiltinTag", attributes={"name": AttributeValue(value="y")})
    await store.append(
        "main", [PendingEvent(store.names.node_subject("main", a), update)], expected_head=r1.head_seq
    )
    history = await store.read_object("main", a)
    assert [type(e.event).__name__ for e in history] == ["NodeCreated", "NodeUpdated"]
    middle = await store.read_range("main", 2, 4)
    assert [e.seq for e in middle] == [2, 3, 4]


async def test_two_writers_on_the_same_head_exactly_one_commits(store: EventStore) -> None:
    base = await store.append("main", [_created(store, uuid.uuid4().hex)], expected_head=0)
    outcomes = await asyncio.gather(
        *(
            store.append("main", [_created(store, uuid.uuid4().hex)], expected_head=base.head_seq)
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    committed = [o for o in outcomes if not isinstance(o, BaseException)]
    conflicts = [o for o in outcomes if isinstance(o, ConcurrencyConflict)]
    assert len(committed) == 1 and len(conflicts) == 1
    assert conflicts[0].code == "branch.conflict"
    # the loser's events are not in the stream
    assert await store.last_seq("main") == base.head_seq + 2


async def test_resent_batch_is_stored_once(store: EventStore) -> None:
    mutation_id = uuid.uuid4().hex
    node = uuid.uuid4().hex
    first = await store.append("main", [_created(store, node)], expected_head=None, mutation_id=mutation_id)
    again = await store.append("main", [_created(store, node)], expected_head=None, mutation_id=mutation_id)
    assert not first.duplicate and again.duplicate
    assert again.head_seq == first.head_seq
    assert await store.last_seq("main") == 2


async def test_open_batch_is_invisible_to_readers(store: EventStore, nc: Client) -> None:
    await store.append("main", [_created(store, uuid.uuid4().hex)], expected_head=0)
    subject = store.names.node_subject("main", uuid.uuid4().hex)
    headers = {"Nats-Batch-Id": uuid.uuid4().hex, "Nats-Batch-Sequence": "1"}
    await nc.request(subject, b"{}", headers=headers, timeout=5)
    await nc.publish(subject, b"{}", headers={**headers, "Nats-Batch-Sequence": "2"})
    await nc.flush()
    assert await store.last_seq("main") == 2
    assert [e.seq for e in await store.read_range("main")] == [1, 2]


async def test_batch_over_the_limit_is_refused_before_sending(nc: Client) -> None:
    store = EventStore(nc, StreamNames(prefix=f"T{uuid.uuid4().hex[:10].upper()}"), max_batch=3)
    await store.ensure_branch_stream("main")
    with pytest.raises(BatchTooLarge):
        await store.append("main", [_created(store, uuid.uuid4().hex) for _ in range(3)], expected_head=0)
    assert await store.last_seq("main") == 0


async def test_a_batch_of_12000_events_is_accepted_atomically(store: EventStore) -> None:
    """Above the server default of 1000 and the old 5000: nats/nats-server.conf allows 20000."""
    events = [_created(store, uuid.uuid4().hex) for _ in range(12000)]
    result = await store.append("main", events, expected_head=0)
    assert result.head_seq == 12001


async def test_every_event_of_a_large_batch_keeps_its_order_type_and_headers(store: EventStore) -> None:
    """The middle of a batch is framed by hand (`hpub_frames`): 3,000 events read back in
    order, each with its own type and the batch's actor, a line break in it made a space."""
    ids = [uuid.uuid4().hex for _ in range(3000)]
    created = await store.append("main", [_created(store, i) for i in ids], expected_head=0)
    updates = [
        PendingEvent(store.names.node_subject("main", i), NodeUpdated(
            node_id=i, kind="BuiltinTag", attributes={"name": AttributeValue(value=f"v{n}")}))
        if n % 2 else _created(store, uuid.uuid4().hex, f"new{n}")
        for n, i in enumerate(ids)
    ]  # fmt: skip
    await store.append("main", updates, expected_head=created.head_seq, actor="ali\nce")
    events = await store.read_range("main", created.head_seq + 1)
    assert [e.seq for e in events] == list(range(created.head_seq + 1, created.head_seq + 3002))
    assert [type(e.event).__name__ for e in events[:-1]] == [type(p.event).__name__ for p in updates]
    assert [e.event for e in events[:-1]] == [p.event for p in updates]
    assert {e.actor for e in events} == {"ali ce"}
    assert len({e.mutation_id for e in events}) == 1 and events[-1].batch_commit
