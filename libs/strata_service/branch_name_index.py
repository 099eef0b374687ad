"""The live branch names as of a sequence of main, kept in the API process for BranchCreate.

A create must know whether its name is free as of the very head its append is guarded by.
Asking the read model each time cost a Neo4j read (2.5-5 ms, the largest part of a create).
Instead the index loads the names once from the model (with main's checkpoint), then folds
main's branch events from the log up to each create's head: usually none or one event, one
direct get each. Creates made by other API processes are in the log too, so every replica's
index is exact as of the head it checks; the append's guard on main's head does the rest.

When more than `_LOG_EVENTS_READ` branch events lie past the index, it waits for the read
model to reach the head and loads the names again instead of reading them all one by one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from strata_events import BranchCreated, BranchDeleted
from strata_eventstore import EventStore
from strata_service.branches import BranchDirectory

__all__ = ["BranchNameIndex"]

# Main's branch events read from the log past the index before loading it from the model
# again: back to back creates leave one; another process's burst of creates may leave many.
_LOG_EVENTS_READ = 16


class BranchNameIndex:
    def __init__(
        self, store: EventStore, directory: BranchDirectory, *, wait_main: Callable[[int], Awaitable[None]]
    ) -> None:
        self._store = store
        self._directory = directory
        self._wait_main = wait_main  # until the read model holds main up to a sequence
        self._names: set[str] = set()
        self._seq: int | None = None  # main's sequence `_names` is exact at; None: not loaded
        self._lock = asyncio.Lock()  # one fold at a time: each advances `_seq`

    async def taken(self, name: str, head: int) -> bool:
        """Whether a live branch holds `name` as of main's sequence `head` (or a later one,
        when the index is already past it: then an append guarded by `head` fails anyway)."""
        async with self._lock:
            if self._seq is None:
                await self._load()
            if not await self._fold_log(head):
                await self._wait_main(head)
                await self._load()
            return name in self._names

    def record_create(self, name: str, fork_head: int, new_head: int) -> None:
        """A create appended under main's head `fork_head` landed at `new_head`: when the index
        is exact at `fork_head`, nothing else came between, so it moves on without a read."""
        if self._seq == fork_head:
            self._names.add(name)
            self._seq = new_head

    async def _load(self) -> None:
        self._names, self._seq = await self._directory.live_names_at_checkpoint(self._store.names.stream("main"))

    async def _fold_log(self, head: int) -> bool:
        """Fold main's branch events after `_seq` up to `head`; False when there are too many."""
        assert self._seq is not None
        subject = self._store.names.branch_event_subject("main")
        seq = self._seq + 1
        folded = 0
        while seq <= head:
            stored = await self._store.next_event("main", subject, seq)
            if stored is None or stored.seq > head:
                break
            if folded == _LOG_EVENTS_READ:
                return False
            match stored.event:
                case BranchCreated(name=created):
                    self._names.add(created)
                case BranchDeleted(name=deleted):
                    self._names.discard(deleted)
            folded += 1
            seq = stored.seq + 1
        self._seq = max(self._seq, head)
        return True
