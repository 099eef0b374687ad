"""A KV lock held for the length of a block: refreshed in the background well before its TTL
runs out, so an operation longer than the TTL keeps it; released by its latest revision."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog

from strata_eventstore.kv_locks import KvLocks, Lock, LockLost

__all__ = ["held_lock"]

_log = structlog.get_logger("strata.locks")


@contextlib.asynccontextmanager
async def held_lock(locks: KvLocks, name: str, owner: str, *, ttl_s: float) -> AsyncIterator[None]:
    """Raises LockHeld when another owner has `name`. A refresh that finds the lock gone stops
    refreshing and is logged: correctness still comes from the heads' concurrency checks."""
    lock = await locks.acquire(name, owner, ttl_s=ttl_s)
    current: list[Lock] = [lock]

    async def keep() -> None:
        while True:
            await asyncio.sleep(ttl_s / 3)
            try:
                current[0] = await locks.refresh(current[0], ttl_s)
            except LockLost:
                _log.warning("lock_lost", lock=name, owner=owner)
                return

    keeper = asyncio.create_task(keep())
    try:
        yield
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        with contextlib.suppress(LockLost):  # expired and maybe re-taken: leave it to its new owner
            await locks.release(current[0])
