"""Read-your-writes waits on real NATS notifications: after its own append a caller trusts the
notification and reads no checkpoint; when the notification is lost, or for a sequence it did
not append, the checkpoint answers (and is remembered); a read model that never gets there
fails the wait with the stream and the sequence."""

from __future__ import annotations

import asyncio
import uuid
from typing import cast

import pytest
from nats.aio.client import Client

from strata_core.errors import StoreUnavailable
from strata_eventstore import StreamNames
from strata_graph.projection import GraphProjection
from strata_service.consistency import ProjectionWaiter

pytestmark = pytest.mark.integration


class _Checkpoints:
    """The graph's checkpoints as the waiter reads them (Neo4j in production), counting reads."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.reads = 0

    async def checkpoint(self, stream: str) -> int:
        self.reads += 1
        return self.at


def _waiter(nc: Client, names: StreamNames, checkpoints: _Checkpoints) -> ProjectionWaiter:
    return ProjectionWaiter(nc, names, cast(GraphProjection, checkpoints))


async def _notify_soon(nc: Client, names: StreamNames, branch: str, seq: int) -> None:
    await asyncio.sleep(0.05)
    await nc.publish(f"{names.projected_subject_prefix}.{branch}", str(seq).encode())
    await nc.flush()


async def test_after_its_own_append_the_waiter_trusts_the_notification(nc: Client) -> None:
    names = StreamNames(prefix=f"W{uuid.uuid4().hex[:6].upper()}")
    checkpoints = _Checkpoints(at=0)
    waiter = _waiter(nc, names, checkpoints)
    await waiter.wait("main", 0, 5.0)  # subscribes; nothing to wait for
    await nc.flush()
    reads = checkpoints.reads
    await asyncio.gather(waiter.wait("main", 7, 5.0, appended=True), _notify_soon(nc, names, "main", 7))
    assert checkpoints.reads == reads  # the notification answered


async def test_a_lost_notification_or_a_sequence_not_appended_reads_the_checkpoint_once(nc: Client) -> None:
    names = StreamNames(prefix=f"W{uuid.uuid4().hex[:6].upper()}")
    checkpoints = _Checkpoints(at=9)
    waiter = _waiter(nc, names, checkpoints)
    await waiter.wait("b1", 9, 5.0, appended=True)  # no notification ever comes: the checkpoint answers
    assert checkpoints.reads == 1
    await waiter.wait("b2", 9, 5.0)  # not appended by the caller: the checkpoint at once
    assert checkpoints.reads == 2
    await waiter.wait("b2", 8, 5.0)  # remembered
    assert checkpoints.reads == 2


async def test_a_read_model_that_never_gets_there_fails_the_wait(nc: Client) -> None:
    names = StreamNames(prefix=f"W{uuid.uuid4().hex[:6].upper()}")
    waiter = _waiter(nc, names, _Checkpoints(at=3))
    with pytest.raises(StoreUnavailable, match=r":4 within 0.6s"):
        await waiter.wait("main", 4, 0.6, appended=True)


async def test_a_wait_for_a_sequence_this_process_appended_trusts_the_notification_too(nc: Client) -> None:
    """The writer queued behind another in a branch's turn waits for the head that one appended:
    it reads no checkpoint either."""
    names = StreamNames(prefix=f"W{uuid.uuid4().hex[:6].upper()}")
    checkpoints = _Checkpoints(at=0)
    waiter = _waiter(nc, names, checkpoints)
    await waiter.wait("main", 0, 5.0)
    await nc.flush()
    reads = checkpoints.reads
    first = asyncio.create_task(waiter.wait("main", 7, 5.0, appended=True))  # the writer before
    await asyncio.sleep(0)
    await asyncio.gather(waiter.wait("main", 7, 5.0), _notify_soon(nc, names, "main", 7))
    await first
    assert checkpoints.reads == reads
    await asyncio.gather(waiter.wait("other", 7, 5.0), _notify_soon(nc, names, "other", 7))
    assert checkpoints.reads == reads + 1  # another branch's head, not appended here: read at once
