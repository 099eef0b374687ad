"""NATS stopped hard and restarted while writers append: nothing acknowledged is lost."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path

import nats
import pytest

from strata_core.errors import StrataError
from strata_events import AttributeValue, NodeCreated
from strata_eventstore.records import PendingEvent
from tests.private_nats import PrivateNats

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL])
async def test_acknowledged_mutations_survive_a_nats_restart(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    server = PrivateNats(tmp_path, "RESTART")
    store = await server.connect(reconnect_wait_s=0.1)
    names = server.names
    acked: list[str] = []
    stop = asyncio.Event()

    async def writer() -> None:
        while not stop.is_set():
            node = uuid.uuid4().hex
            event = NodeCreated(node_id=node, kind="BuiltinTag", attributes={"name": AttributeValue(value=node)})
            mutation = uuid.uuid4().hex
            try:
                await store.append("main", [PendingEvent(names.node_subject("main", node), event)],
                                   expected_head=None, mutation_id=mutation)  # fmt: skip
            except (StrataError, nats.errors.Error, asyncio.TimeoutError):
                await asyncio.sleep(0.05)
                continue
            acked.append(mutation)

    task = asyncio.create_task(writer())
    try:
        await asyncio.sleep(1.0)
        before = len(acked)
        await server.restart(0.5, stop_signal)
        await asyncio.sleep(1.5)
        stop.set()
        await task
        assert before > 0 and len(acked) > before, "writes went on across the restart"
        stored = [e.mutation_id for e in await store.read_range("main") if e.subject.endswith(".head")]
    finally:
        await server.close(stop, task)
    missing = set(acked) - set(stored)
    assert not missing, f"{len(missing)} acknowledged mutations lost"
    assert len(stored) == len(set(stored)), "a mutation was stored twice"
