"""Following the feed live: an ephemeral ordered consumer that delivers new messages only."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator

import msgspec
import nats.errors
import structlog
from nats.aio.client import Client
from nats.js.api import DeliverPolicy
from nats.js.client import JetStreamContext

from strata_feed.contract import FeedEvent, FeedNames

__all__ = ["FeedFollower"]

_log = structlog.get_logger("strata.feed")
_decoder = msgspec.json.Decoder(FeedEvent)
_INACTIVE_S = 5.0


class FeedFollower:
    def __init__(self, nc: Client, names: FeedNames) -> None:
        self._js = nc.jetstream()
        self._names = names

    async def follow(self, subject: str) -> AsyncGenerator[FeedEvent, None]:
        """Feed events on `subject` published from now on, in stream order.

        The consumer exists when this returns. Closing the generator unsubscribes; the server then
        deletes the consumer once it has had no subscriber for `_INACTIVE_S` (also when this
        process vanishes without closing).
        """
        sub = await self._js.subscribe(
            subject,
            stream=self._names.stream,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
            inactive_threshold=_INACTIVE_S,
        )
        return _events(sub)


async def _events(sub: JetStreamContext.PushSubscription) -> AsyncGenerator[FeedEvent, None]:
    try:
        async for msg in sub.messages:
            try:
                yield _decoder.decode(msg.data)
            except msgspec.DecodeError as exc:
                _log.warning("feed_message_undecodable", subject=msg.subject, error=str(exc))
    finally:
        with contextlib.suppress(nats.errors.Error):
            await sub.unsubscribe()
