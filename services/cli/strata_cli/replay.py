"""`strata replay`: a branch's events, in order, as JSON lines (for audit), progress on stderr."""

from __future__ import annotations

import asyncio
import sys

import msgspec

from strata_cli.progress import Progress
from strata_core.settings import Settings
from strata_eventstore.connection import connect_nats
from strata_eventstore import EventStore, StreamNames

__all__ = ["run_replay"]


async def _replay(settings: Settings, branch_id: str, start: int, end: int | None) -> int:
    nc = await connect_nats(settings)
    try:
        store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
        last = end if end is not None else await store.last_seq(branch_id)
        progress = Progress("replay", total=max(0, last - start + 1))
        encoder = msgspec.json.Encoder()
        out = sys.stdout.buffer
        count = 0
        async for stored in store.iter_range(branch_id, start, last):
            out.write(encoder.encode(stored))
            out.write(b"\n")
            count += 1
            progress.advance(1)
        progress.finish()
        out.flush()
        return count
    finally:
        await nc.close()


def run_replay(settings: Settings, branch_id: str, start: int, end: int | None) -> int:
    asyncio.run(_replay(settings, branch_id, start, end))
    return 0
