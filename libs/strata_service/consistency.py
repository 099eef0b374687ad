"""Read-your-writes: wait until the projector has applied a branch stream up to a sequence."""

from __future__ import annotations

import asyncio
import contextlib

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from strata_core.errors import StoreUnavailable
from strata_eventstore import StreamNames
from strata_graph.projection import GraphProjection

__all__ = ["ProjectionWaiter"]

# How long a wait for a sequence the caller just appended trusts the projector's notification
# alone; a notification is lost only across a reconnection, when the checkpoint then answers.
_NOTICE_FIRST_S = 0.25


class ProjectionWaiter:
    """Follows the projector's core-NATS notifications with one subscription for all branches,
    and checks the graph's checkpoint too (a notification can be missed; the checkpoint
    committed in Neo4j cannot)."""

    def __init__(self, nc: Client, names: StreamNames, projection: GraphProjection) -> None:
        self._nc = nc
        self._names = names
        self._projection = projection
        self._seen: dict[str, int] = {}
        self._appended: dict[str, int] = {}  # the last sequence this process appended, per branch
        self._changed = asyncio.Condition()
        self._sub: Subscription | None = None

    async def _on_projected(self, msg: Msg) -> None:
        branch_id = msg.subject.rsplit(".", 1)[-1]
        with contextlib.suppress(ValueError):
            seq = int(msg.data)
            if seq > self._seen.get(branch_id, 0):
                self._note(branch_id, seq)
                async with self._changed:
                    self._changed.notify_all()

    async def _subscribe(self) -> None:
        if self._sub is None:
            self._sub = await self._nc.subscribe(f"{self._names.projected_subject_prefix}.*", cb=self._on_projected)

    async def wait(self, branch_id: str, seq: int, timeout_s: float, *, appended: bool = False) -> None:
        """Return once the read model holds `branch_id` up to `seq`. `appended`: the caller has
        just appended `seq`, so the graph cannot hold it yet and its notification is coming;
        the checkpoint is read only if the notification has not come within `_NOTICE_FIRST_S`
        (reading it at once cost every mutation a Neo4j read, ~5 ms, that always answered no).
        A wait for a sequence this process appended (the writer queued behind it in its branch's
        turn waits for its head) is treated the same way."""
        if appended:
            self._appended[branch_id] = max(seq, self._appended.get(branch_id, 0))
        elif seq <= self._appended.get(branch_id, 0):
            appended = True
        await self._subscribe()
        if self._seen.get(branch_id, 0) >= seq:
            return
        stream = self._names.stream(branch_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        pause = _NOTICE_FIRST_S if appended else 0.0
        while True:
            if pause:
                await self._notified(branch_id, seq, min(pause, deadline - loop.time()))
            if self._seen.get(branch_id, 0) >= seq:
                return
            if (checkpoint := await self._projection.checkpoint(stream)) >= seq:
                self._note(branch_id, checkpoint)
                return
            if deadline - loop.time() <= 0:
                raise StoreUnavailable(
                    f"the read model did not reach {stream}:{seq} within {timeout_s}s", stream=stream, seq=seq
                )
            pause = 0.5

    def seen(self, branch_id: str) -> int:
        """The highest sequence of the branch known to be in the read model (0: none seen)."""
        return self._seen.get(branch_id, 0)

    def _note(self, branch_id: str, seq: int) -> None:
        if seq > self._seen.get(branch_id, 0):
            self._seen[branch_id] = seq

    async def _notified(self, branch_id: str, seq: int, timeout_s: float) -> None:
        if timeout_s <= 0:
            return
        with contextlib.suppress(TimeoutError):
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(lambda: self._seen.get(branch_id, 0) >= seq), timeout_s)
