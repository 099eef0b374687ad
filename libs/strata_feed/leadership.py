"""One active relay per deployment: whoever holds a KV lock runs it; the others stand by.

Two relays reading the same durable consumers would split pages between them and lose the
per-branch order, so every worker runs `run_as_leader` and only the lock holder relays. The
lock has a TTL and is refreshed well before it runs out; a holder that cannot refresh stops
relaying (its unacknowledged page comes again to the next holder, absorbed by the dedupe).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

import structlog

from strata_eventstore.kv_locks import KvLocks, LockHeld, LockLost

__all__ = ["run_as_leader"]

_log = structlog.get_logger("strata.feed")

Body = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


async def run_as_leader(
    locks: KvLocks, name: str, owner: str, body: Body, stop: asyncio.Event, *, ttl_s: float = 15.0
) -> None:
    """Run `body(leader_stop)` whenever this process holds lock `name`, until `stop` is set."""
    while not stop.is_set():
        try:
            lock = await locks.acquire(name, owner, ttl_s)
        except LockHeld:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=ttl_s / 3)
            continue
        _log.info("feed_relay_leading", owner=owner)
        leading = asyncio.Event()
        task = asyncio.create_task(body(leading))
        stopping = asyncio.create_task(stop.wait())
        try:
            while True:
                done, _ = await asyncio.wait({task, stopping}, timeout=ttl_s / 3,
                                             return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
                if done:
                    break
                try:
                    lock = await locks.refresh(lock, ttl_s)
                except LockLost:
                    _log.warning("feed_relay_lock_lost", owner=owner)
                    break
        finally:
            stopping.cancel()
            leading.set()
            await asyncio.gather(task, return_exceptions=True)
            with contextlib.suppress(LockLost):
                await locks.release(lock)
        failure = task.exception() if not task.cancelled() else None
        if failure is not None:
            raise failure  # to the caller's restart loop
