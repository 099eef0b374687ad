"""The `<PREFIX>_FEED` JetStream stream: its configuration, and publishing feed events to it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import msgspec
import nats.js.errors
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.client import JetStreamContext

from strata_events import EventHeaders
from strata_feed.contract import FeedEvent, FeedNames

__all__ = ["FeedPublisher", "ensure_feed_stream", "feed_stream_config"]

_encoder = msgspec.json.Encoder()


def feed_stream_config(
    names: FeedNames, *, max_age_s: float, duplicate_window_s: float, replicas: int
) -> StreamConfig:
    """Limits retention: old feed messages age out (the event log keeps everything); a message
    re-published within the duplicate window (same `Nats-Msg-Id`) is stored once."""
    return StreamConfig(
        name=names.stream,
        subjects=[names.all_subjects],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=max_age_s,
        duplicate_window=min(duplicate_window_s, max_age_s),
        num_replicas=replicas,
        allow_direct=True,
    )


async def ensure_feed_stream(js: JetStreamContext, config: StreamConfig) -> None:
    """Create the feed stream, or bring an existing one to `config`."""
    try:
        await js.stream_info(config.name or "")
    except nats.js.errors.NotFoundError:
        try:
            await js.add_stream(config)
            return
        except nats.js.errors.BadRequestError:
            pass  # created meanwhile by another relay: update below
    await js.update_stream(config)


class FeedPublisher:
    """Publishes feed events in order, deduplicated by their ids.

    Publishes are pipelined (sent in order on one connection, acknowledgements awaited
    together); a failed window is sent again whole, the stored ones being absorbed by the
    stream's duplicate window.
    """

    def __init__(self, js: JetStreamContext, names: FeedNames, *, window: int = 256, timeout_s: float = 10.0) -> None:
        self._js = js
        self._names = names
        self._window = window
        self._timeout_s = timeout_s
        self.published = 0
        self.duplicates = 0

    async def publish(self, events: Sequence[FeedEvent]) -> None:
        for start in range(0, len(events), self._window):
            await self._publish_window(events[start : start + self._window])

    async def _publish_window(self, events: Sequence[FeedEvent]) -> None:
        futures = []
        for event in events:
            headers = {EventHeaders.MSG_ID: event.id}
            subject = self._names.subject(event.branch_id, event.type, event.kind)
            futures.append(
                await self._js.publish_async(subject, _encoder.encode(event), headers=headers, stream=self._names.stream)
            )
        acks = await asyncio.wait_for(asyncio.gather(*futures), timeout=self._timeout_s)
        for ack in acks:
            if ack.duplicate:
                self.duplicates += 1
            else:
                self.published += 1
