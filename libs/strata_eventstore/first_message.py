"""Waiting, without a consumer, for the first message of an empty branch stream (the
projector's workers and the feed relays).

A branch is created on main; its stream is made empty by the projector, and a worker starts
for it as the stream appears. A durable consumer and a held pull per stream used to be made
at once: a file-backed consumer and a graph read for a branch that may never be written,
done while the next `BranchCreate` waits on the same two cores (back to back, an append
took 10-15 ms with the reaction running and ~5 ms without it). An empty stream gets a core
subscription to its subjects instead, which rings on the first message published to them
(even one of an atomic batch not committed yet: ringing early only starts the worker early).

The subscription is made before the stream is looked at, so a message stored after the look
rings it. A message published while the connection was being re-made is not delivered to
it: the stream is looked at again after a reconnection, and every `recheck_s` besides.
"""

from __future__ import annotations

import asyncio
import contextlib

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg

__all__ = ["until_first_message"]

_RECONNECT_CHECK_S = 5.0  # how often a wait looks whether the connection was re-made


async def until_first_message(nc: Client, stream: str, subjects: str, stop: asyncio.Event, *, recheck_s: float) -> bool:
    """Returns True once `stream` holds a message (at once when it does already), False when
    `stop` is set first."""
    rang = asyncio.Event()

    async def ring(_msg: Msg) -> None:
        rang.set()

    sub = await nc.subscribe(subjects, cb=ring)
    try:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            reconnects = nc.stats["reconnects"]
            if rang.is_set() or await _holds_messages(nc, stream):
                return True
            deadline = loop.time() + recheck_s
            while not (rang.is_set() or stop.is_set()) and nc.stats["reconnects"] == reconnects:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                await _first_set(rang, stop, min(remaining, _RECONNECT_CHECK_S))
        return False
    finally:
        with contextlib.suppress(nats.errors.Error):
            await sub.unsubscribe()


async def _holds_messages(nc: Client, stream: str) -> bool:
    info = await nc.jetstream().stream_info(stream)
    return int(info.state.last_seq or 0) > 0


async def _first_set(first: asyncio.Event, second: asyncio.Event, timeout_s: float) -> None:
    waits = [asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
