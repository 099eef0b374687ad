"""Pulls from a JetStream consumer with raw `CONSUMER.MSG.NEXT` requests.

nats-py's `fetch` is several times slower than a raw pull (measured ~5x on 2 cores): one inbox
subscription per puller, one request per page, messages read until the page is full or the
server sends a status (404 no messages, 408 request timeout).
"""

from __future__ import annotations

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

    async def _ensure_sub(self) -> Subscription:
        if self._sub is None:
            self._inbox = self._nc.new_inbox()
            self._sub = await self._nc.subscribe(self._inbox)
        return self._sub

    async def pull(self, batch: int, *, wait_s: float = 0.0) -> list[Msg]:
        """Up to `batch` messages; waits up to `wait_s` for the first ones when none are ready."""
        sub = await self._ensure_sub()
        request: dict[str, object] = {"batch": batch}
        if wait_s > 0:
            request["expires"] = int(wait_s * 1e9)
        else:
            request["no_wait"] = True
        await self._nc.publish(self._subject, json.dumps(request).encode(), reply=self._inbox)
        out: list[Msg] = []
        deadline = wait_s + 5.0
        while len(out) < batch:
            try:
                msg = await sub.next_msg(timeout=deadline)
            except nats.errors.TimeoutError:
                break
            status = msg.headers.get("Status") if msg.headers else None
            if status is not None:
                if status in ("404", "408", "409"):
                    break
                if status == "100":  # heartbeat
                    continue
                break
            out.append(msg)
        return out

    async def close(self) -> None:
        if self._sub is not None:
            try:
                await self._sub.unsubscribe()
            except nats.errors.ConnectionClosedError:
                pass
            self._sub = None
