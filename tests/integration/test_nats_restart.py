"""NATS stopped hard and restarted while writers append: nothing acknowledged is lost."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import uuid
from pathlib import Path

import nats
import pytest

from strata_core.errors import StrataError
from strata_events import AttributeValue, NodeCreated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_stack.nats_runtime import start_nats, stop_process, wait_for_nats
from tests.conftest import own_nats_config

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL])
async def test_acknowledged_mutations_survive_a_nats_restart(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    config = own_nats_config(tmp_path / "store")
    proc = start_nats(config, tmp_path / "nats.log")
    wait_for_nats(config)
    nc = await nats.connect(config.url, max_reconnect_attempts=-1, reconnect_time_wait=0.1)
    names = StreamNames(prefix="RESTART")
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
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
        proc.send_signal(stop_signal)
        proc.wait(30)
        await asyncio.sleep(0.5)
        proc = start_nats(config, tmp_path / "nats.log")
        wait_for_nats(config)
        await asyncio.sleep(1.5)
    finally:
        stop.set()
        await task
    assert before > 0 and len(acked) > before, "writes went on across the restart"
    stored = [e.mutation_id for e in await store.read_range("main") if e.subject.endswith(".head")]
    missing = set(acked) - set(stored)
    assert not missing, f"{len(missing)} acknowledged mutations lost"
    assert len(stored) == len(set(stored)), "a mutation was stored twice"
    await nc.close()
    with contextlib.suppress(Exception):
        stop_process(proc)
