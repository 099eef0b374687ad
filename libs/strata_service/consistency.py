"""Read-your-writes: wait until the projector has applied a branch stream up to a sequence."""

from __future__ import annotations

import asyncio
import contextlib

from nats.aio.client import Client
from nats.aio.msg import Msg

from strata_core.errors import StoreUnavailable
from strata_eventstore import StreamNames
from strata_graph.projection import GraphProjection

__all__ = ["ProjectionWaiter"]


class ProjectionWaiter:
    """Waits on the projector's core-NATS notifications, checking the graph's checkpoint too
    (a notification can be missed; the checkpoint committed in Neo4j cannot)."""

    def __init__(self, nc: Client, names: StreamNames, projection: GraphProjection) -> None:
        self._nc = nc
        self._names = names
        self._projection = projection

    async def wait(self, branch_id: str, seq: int, timeout_s: float) -> None:
        stream = self._names.stream(branch_id)
        reached = asyncio.Event()

        async def on_projected(msg: Msg) -> None:
            with contextlib.suppress(ValueError):
                if int(msg.data) >= seq:
                    reached.set()

        sub = await self._nc.subscribe(
            f"{self._names.projected_subject_prefix}.{branch_id}", cb=on_projected
        )
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout_s
            while await self._projection.checkpoint(stream) < seq:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise StoreUnavailable(
                        f"the read model did not reach {stream}:{seq} within {timeout_s}s",
                        stream=stream,
                        seq=seq,
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(reached.wait(), timeout=min(remaining, 0.25))
        finally:
            await sub.unsubscribe()
