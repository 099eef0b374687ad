"""Run as a process by the atomicity test: merge a branch, but SIGKILL this process after N
messages of the merge's atomic batch have left (a crash in the middle of the merge).

The batch's first and last messages leave through `nc.publish` (as requests), its middle ones
as one buffer of frames (`batch_publish._send_raw`): both are cut here, the buffer after the
frames of the messages still allowed, read by their sizes as the server reads them."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from typing import Any

import nats

from strata_core.settings import Settings
from strata_eventstore import batch_publish
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.kv_locks import KvLocks
from strata_graph.driver import open_driver
from strata_service.branches import BranchDirectory
from strata_service.merge_service import MergeService
from strata_service.schema_service import SchemaService


_FRAME = re.compile(rb"HPUB \S+ \d+ (\d+)\r\n")


async def main(branch: str, kill_after: int) -> None:
    settings = Settings.from_env()
    nc = await nats.connect(settings.nats_url)
    driver = open_driver(settings)
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    original_publish = nc.publish
    sent = 0

    async def publish(subject: str, payload: bytes = b"", reply: str = "", headers: Any = None) -> None:
        nonlocal sent
        if subject.startswith(names.subject_root + ".b.main."):
            sent += 1
            if sent > kill_after:
                await nc.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        await original_publish(subject, payload, reply=reply, headers=headers)

    original_send_raw = batch_publish._send_raw

    async def send_raw(client: Any, frames: bytes) -> None:
        nonlocal sent
        cut = 0
        while cut < len(frames) and sent < kill_after:
            head = _FRAME.match(frames, cut)
            assert head is not None
            cut = head.end() + int(head[1]) + 2
            sent += 1
        if cut < len(frames):
            await original_send_raw(client, frames[:cut])
            await nc.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        await original_send_raw(client, frames)

    # the crash is injected here, in the test's process only
    nc.publish = publish  # type: ignore[method-assign]
    batch_publish._send_raw = send_raw  # type: ignore[assignment]
    ref = await BranchDirectory(driver, "neo4j").resolve(branch)
    schemas = SchemaService(store, driver, "neo4j")
    locks = await KvLocks.open(nc.jetstream(), names.kv_bucket("locks"))
    merges = MergeService(store, driver, "neo4j", locks)
    main_ref = await BranchDirectory(driver, "neo4j").resolve("main")
    await merges.merge(ref, await schemas.current(ref), await schemas.current(main_ref), merged_seq=None, actor="killer")
    print("merge completed without being killed", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
