"""One writer at a time per branch within a process, and a pause before a writer tries again.

Every write decides on the branch as of its head and appends under that head's optimistic
concurrency (`EventStore.append(expected_head=...)`). Writers of one process that overlap on a
branch would all decide on the same head and all but one be refused, then decide again and
again: five concurrent single creates (infrahub-sdk's batch default) lost about a quarter of
their mutations to "kept moving; gave up". A writer therefore takes the branch's turn for its
head read, its decision and its append: writers of one process queue instead of colliding.

Writers of other processes (API replicas, a CLI) are still ordered by the optimistic check
alone; `conflict_pause` spreads their retries so that two of them do not meet again at once.
`write_attempts` is the loop every such writer runs: each attempt in the turn, a pause after
each one another process's write refused.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType

from strata_core.errors import ConcurrencyConflict

__all__ = ["WriteAttempt", "WriteTurns", "conflict_pause", "write_attempts"]

_FIRST_PAUSE_S = 0.002
_LONGEST_PAUSE_S = 0.1


class WriteTurns:
    """A lock per branch, made on first use and dropped once no writer holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, branch_id: str) -> AsyncIterator[None]:
        """Hold `branch_id`'s turn: no other writer of this process holds it meanwhile."""
        lock, users = self._locks.get(branch_id, (asyncio.Lock(), 0))
        self._locks[branch_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[branch_id]
            if users == 1:
                del self._locks[branch_id]
            else:
                self._locks[branch_id] = (lock, users - 1)

    def __len__(self) -> int:
        """Branches whose turn is held or awaited: an idle branch keeps nothing here."""
        return len(self._locks)

    def waiting(self, branch_id: str) -> int:
        """Writers holding or awaiting `branch_id`'s turn (0 when none)."""
        return self._locks.get(branch_id, (None, 0))[1]


async def conflict_pause(attempt: int) -> None:
    """Sleep a random time, growing with `attempt` (0 for the first retry), before deciding
    again after another process moved the head."""
    ceiling = min(_FIRST_PAUSE_S * (2**attempt), _LONGEST_PAUSE_S)
    await asyncio.sleep(random.uniform(0, ceiling))


class WriteAttempt:
    """One decision and append in a branch's turn (`async with`). A `ConcurrencyConflict`
    raised inside ends the attempt as `conflicted` instead of propagating."""

    def __init__(self, turns: WriteTurns, branch_id: str) -> None:
        self._turn: AbstractAsyncContextManager[None] = turns.turn(branch_id)
        self.conflicted = False

    async def __aenter__(self) -> WriteAttempt:
        await self._turn.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        await self._turn.__aexit__(exc_type, exc, tb)
        self.conflicted = exc_type is not None and issubclass(exc_type, ConcurrencyConflict)
        return self.conflicted


async def write_attempts(turns: WriteTurns, branch_id: str, limit: int) -> AsyncIterator[WriteAttempt]:
    """Up to `limit` attempts on `branch_id`; the next comes only after one conflicted, and
    after a `conflict_pause`. The caller ends the loop by returning, and gives up after it."""
    for number in range(limit):
        attempt = WriteAttempt(turns, branch_id)
        yield attempt
        if not attempt.conflicted:
            return
        await conflict_pause(number)
