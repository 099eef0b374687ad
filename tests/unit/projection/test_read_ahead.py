"""The read-ahead backlog hands whole batches to transactions within their event budget, in
order, holds the reader back when full, and passes on the reader's failure."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from strata_graph.projection import ProjectionBatch
from strata_projection.batching import RawBatch
from strata_projection.read_ahead import DecodedBacklog


def _batch(size: int, tag: int) -> tuple[RawBatch, ProjectionBatch]:
    messages: tuple[Any, ...] = tuple(object() for _ in range(size))
    return RawBatch(messages), ProjectionBatch(last_seq=tag, events=())


async def _forever() -> None:
    await asyncio.Event().wait()


async def test_batches_are_taken_whole_in_order_within_the_budget() -> None:
    backlog = DecodedBacklog(100)
    reader = asyncio.create_task(_forever())
    for tag, size in enumerate([3, 4, 5, 20, 1], start=1):
        backlog.put(*_batch(size, tag))
    assert [d.last_seq for _, d in await backlog.take(10, reader)] == [1, 2]  # 3 + 4; 5 more would pass 10
    assert [d.last_seq for _, d in await backlog.take(10, reader)] == [3]
    assert [d.last_seq for _, d in await backlog.take(10, reader)] == [4]  # alone over the budget: still taken
    assert [d.last_seq for _, d in await backlog.take(10, reader)] == [5]
    reader.cancel()


async def test_take_waits_for_a_batch_and_the_reader_waits_for_room() -> None:
    backlog = DecodedBacklog(5)
    reader = asyncio.create_task(_forever())
    taking = asyncio.create_task(backlog.take(10, reader))
    await asyncio.sleep(0.01)
    assert not taking.done()
    backlog.put(*_batch(6, 1))
    assert [d.last_seq for _, d in await taking] == [1]
    backlog.put(*_batch(5, 2))
    room = asyncio.create_task(backlog.wait_for_room())
    await asyncio.sleep(0.01)
    assert not room.done()  # 5 events waiting: full
    await backlog.take(10, reader)
    await asyncio.wait_for(room, 1)
    reader.cancel()


async def test_the_readers_failure_reaches_the_taker_and_its_end_ends_taking() -> None:
    backlog = DecodedBacklog(5)

    async def failing() -> None:
        await asyncio.sleep(0.01)
        raise RuntimeError("pull failed")

    with pytest.raises(RuntimeError, match="pull failed"):
        await backlog.take(10, asyncio.create_task(failing()))

    async def ending() -> None:
        await asyncio.sleep(0.01)

    assert await backlog.take(10, asyncio.create_task(ending())) == []
