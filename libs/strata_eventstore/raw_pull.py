"""Pulls from a JetStream consumer with raw `CONSUMER.MSG.NEXT` requests.

nats-py's `fetch` is several times slower than a raw pull (measured ~5x on 2 cores): one inbox
subscription per puller, one request per page, messages read until the page is full or the
server sends a status (404 no messages, 408 request timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

__all__ = ["RawPuller"]


class RawPuller:
    def __init__(self, nc: Client, stream: str, consumer: str) -> None:
        self._nc = nc
        self._subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._sub: Subscription | None = None
        self._inbox = ""
        self._quiet = False  # the last pull found nothing: the next one waits at once

    async def _ensure_sub(self) -> Subscription:
        if self._sub is None:
            self._inbox = self._nc.new_inbox()
            self._sub = await self._nc.subscribe(self._inbox)
        return self._sub

    async def pull(self, batch: int, *, wait_s: float = 0.0, stop: asyncio.Event | None = None) -> list[Msg]:
        """Up to `batch` messages ready now; when none are, waits up to `wait_s` for the first,
        or until `stop` is set (then nothing is returned).

        A pull for N messages with an expiry is held by the server until N arrive or it
        expires, which would add the whole expiry to the latency of a quiet stream: so the
        wait asks for one message, and the rest are taken without waiting. After a pull that
        found nothing, the next one waits without asking first: a quiet stream costs one
        request per `wait_s`.
        """
        out: list[Msg] = []
        if not (self._quiet and wait_s > 0):
            out = await self._request({"batch": batch, "no_wait": True}, batch, 5.0)
        if not out and wait_s > 0:
            out = await self._wait_for_first(wait_s, stop)
            if out and batch > 1:
                out += await self._request({"batch": batch - 1, "no_wait": True}, batch - 1, 5.0)
        self._quiet = not out
        return out

    async def _wait_for_first(self, wait_s: float, stop: asyncio.Event | None) -> list[Msg]:
        waiting = self._request({"batch": 1, "expires": int(wait_s * 1e9)}, 1, wait_s + 5.0)
        if stop is None:
            return await waiting
        pull = asyncio.ensure_future(waiting)
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({pull, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when the caller is cancelled: neither wait outlives it
            stopped.cancel()
            if not pull.done():  # a message delivered now is delivered again (never acked)
                pull.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pull
        return [] if pull.cancelled() else pull.result()

    async def _request(self, request: dict[str, object], batch: int, timeout_s: float) -> list[Msg]:
        sub = await self._ensure_sub()
        await self._nc.publish(self._subject, json.dumps(request).encode(), reply=self._inbox)
        out: list[Msg] = []
        while len(out) < batch:
            try:
                msg = await sub.next_msg(timeout=timeout_s)
            except nats.errors.TimeoutError:
                break
            status = msg.headers.get("Status") if msg.headers else None
            if status is None:
                out.append(msg)
            elif status != "100":  # 404 no messages, 408 expired, 409 consumer gone…; 100 = heartbeat
                break
        return out

    async def close(self) -> None:
        if self._sub is not None:
            try:
                await self._sub.unsubscribe()
            except nats.errors.ConnectionClosedError:
                pass
            self._sub = None
