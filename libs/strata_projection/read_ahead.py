"""Batches pulled and decoded ahead of the transaction that will apply them.

A worker's Python work (pulling, parsing and decoding messages) and its wait on Neo4j (the
transaction) used to take turns. With a task reading ahead into this backlog they overlap: a
rebuild spent about as long in each. The backlog is bounded in events, so a long stream is
never held in memory.
"""

from __future__ import annotations

import asyncio
from collections import deque

from strata_graph.projection import ProjectionBatch
from strata_projection.batching import RawBatch

__all__ = ["DecodedBacklog", "PendingBatch"]

PendingBatch = tuple[RawBatch, ProjectionBatch]


class DecodedBacklog:
    def __init__(self, limit_events: int) -> None:
        self._items: deque[PendingBatch] = deque()
        self._events = 0
        self._limit = limit_events
        self._filled = asyncio.Event()
        self._drained = asyncio.Event()

    def put(self, raw: RawBatch, decoded: ProjectionBatch) -> None:
        self._items.append((raw, decoded))
        self._events += len(raw.messages)
        self._filled.set()

    async def wait_for_room(self) -> None:
        """Until fewer than the limit's events are waiting (one batch may then overshoot it)."""
        while self._events >= self._limit:
            self._drained.clear()
            await self._drained.wait()

    async def take(self, budget: int, reader: asyncio.Task[None]) -> list[PendingBatch]:
        """Whole batches up to `budget` events (at least one), waiting for the first; nothing
        once `reader` has ended without leaving any (its error, if it failed, is raised)."""
        while not self._items:
            if reader.done():
                reader.result()
                return []
            self._filled.clear()
            filled = asyncio.ensure_future(self._filled.wait())
            try:
                await asyncio.wait({filled, reader}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                filled.cancel()
        taken: list[PendingBatch] = []
        events = 0
        while self._items:
            size = len(self._items[0][0].messages)
            if taken and events + size > budget:
                break
            taken.append(self._items.popleft())
            events += size
        self._events -= events
        self._drained.set()
        return taken
