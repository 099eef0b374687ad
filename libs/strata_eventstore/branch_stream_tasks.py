"""One task per branch stream, for the components that follow every branch (the projector's
workers, the feed relays).

Streams are found by listing them at start, and a stream-created advisory starts the task of
the stream it names at once, without a listing (listing every stream on each new branch made a
create cost O(branches)). Every `interval_s` a round reaps the tasks that ended, logging those
that raised (`failed_event`); the streams are listed again in a round that reaped one, in the
first round after NATS reconnected (an advisory sent meanwhile was lost), and every
`list_interval_s` besides: with a thousand branches, a listing every 2 s was most of what an
idle nats-server did. A listing that fails while NATS is away is skipped: the tasks already
running go on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import nats.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg

from strata_eventstore.store import EventStore

__all__ = ["BranchStreamTasks"]

_ADVISORY = "$JS.EVENT.ADVISORY.STREAM.CREATED.>"

T = TypeVar("T")


class BranchStreamTasks(Generic[T]):
    def __init__(
        self,
        nc: Client,
        store: EventStore,
        start: Callable[[str, asyncio.Event], tuple[T, asyncio.Task[None]]],
        *,
        interval_s: float,
        list_interval_s: float = 30.0,
        log: structlog.typing.FilteringBoundLogger,
        failed_event: str,
        after_round: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`start(branch_id, stop)` makes a branch's runner and its running task;
        `after_round` runs after each round."""
        self._nc = nc
        self._store = store
        self._start = start
        self._interval = interval_s
        self._list_interval = max(list_interval_s, interval_s)
        self._listed_at: float | None = None  # loop time of the last listing that answered
        self._listed_reconnects = 0  # the connection's reconnection count at that listing
        self._log = log
        self._failed_event = failed_event
        self._after_round = after_round
        self.running: dict[str, tuple[T, asyncio.Task[None]]] = {}
        self._stop: asyncio.Event | None = None

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        sub = await self._nc.subscribe(_ADVISORY, cb=self._on_advisory)
        try:
            while not stop.is_set():
                await self._discover(stop)
                if self._after_round is not None:
                    await self._after_round()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._interval)
        finally:
            with contextlib.suppress(nats.errors.Error):
                await sub.unsubscribe()
            for _, task in self.running.values():
                task.cancel()
            await asyncio.gather(*(t for _, t in self.running.values()), return_exceptions=True)

    async def _on_advisory(self, msg: Msg) -> None:
        branch_id = self._store.names.branch_id_of_stream(msg.subject.rpartition(".")[2])
        if branch_id is not None and self._stop is not None and branch_id not in self.running:
            self.running[branch_id] = self._start(branch_id, self._stop)

    async def _discover(self, stop: asyncio.Event) -> None:
        reaped = False
        for branch_id, (_, task) in list(self.running.items()):
            if task.done():
                exc = task.exception() if not task.cancelled() else None
                if exc is not None:
                    self._log.error(self._failed_event, branch_id=branch_id, error=repr(exc))
                del self.running[branch_id]  # started again below, if its stream is listed
                reaped = True
        if not (reaped or self._listing_due()):
            return
        reconnects = self._nc.stats["reconnects"]
        listed = await self._store.branch_ids_if_reachable()  # None: the tasks found go on
        if listed is None:
            return
        self._listed_at, self._listed_reconnects = asyncio.get_running_loop().time(), reconnects
        for branch_id in listed:
            if branch_id not in self.running:
                self.running[branch_id] = self._start(branch_id, stop)

    def _listing_due(self) -> bool:
        if self._listed_at is None or self._nc.stats["reconnects"] != self._listed_reconnects:
            return True
        return asyncio.get_running_loop().time() - self._listed_at >= self._list_interval
