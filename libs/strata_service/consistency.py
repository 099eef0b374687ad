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


class ProjectionWaiter:
    """Follows the projector's core-NATS notifications with one subscription for all branches,
    and checks the graph's checkpoint too (a notification can be missed; the checkpoint
    committed in Neo4j cannot)."""

    def __init__(self, nc: Client, names: StreamNames, projection: GraphProjection) -> None:
        self._nc = nc
        self._names = names
        self._projection = projection
        self._seen: dict[str, int] = {}
        self._changed = asyncio.Condition()
        self._sub: Subscription | None = None

    async def _on_projected(self, msg: Msg) -> None:
        branch_id = msg.subject.rsplit(".", 1)[-1]
        with contextlib.suppress(ValueError):
            seq = int(msg.data)
            if seq > self._seen.get(branch_id, 0):
                self._seen[branch_id] = seq
                async with self._changed:
                    self._changed.notify_all()

    async def _subscribe(self) -> None:
        if self._sub is None:
            self._sub = await self._nc.subscribe(f"{self._names.projected_subject_prefix}.*", cb=self._on_projected)

    async def wait(self, branch_id: str, seq: int, timeout_s: float) -> None:
        await self._subscribe()
        if self._seen.get(branch_id, 0) >= seq:
            return
        stream = self._names.stream(branch_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            if self._seen.get(branch_id, 0) >= seq or await self._projection.checkpoint(stream) >= seq:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise StoreUnavailable(
                    f"the read model did not reach {stream}:{seq} within {timeout_s}s", stream=stream, seq=seq
                )
            with contextlib.suppress(TimeoutError):
                async with self._changed:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: self._seen.get(branch_id, 0) >= seq),
                        timeout=min(remaining, 0.5),
                    )
