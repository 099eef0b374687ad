"""From the change feed to pending deliveries: one durable consumer on the feed stream.

For each feed event, the matching webhooks get a delivery record and a pending delivery;
only then is the feed message acknowledged. A crash in between redelivers the feed message,
and both writes are idempotent (record created once, message id deduplicated).
"""

from __future__ import annotations

import asyncio

import msgspec
import nats.js.errors
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from strata_feed.contract import FeedEvent, FeedNames

from .directory import WebhookDirectory
from .queue import DeliveryQueue, PendingDelivery
from .records import DeliveryLog, DeliveryRecord, delivery_id, now_iso
from .rules import WEBHOOK_KINDS

__all__ = ["FeedFanout"]

_log = structlog.get_logger("strata.webhooks")
FEED_CONSUMER = "webhooks"
_BATCH = 64


class FeedFanout:
    def __init__(self, js: JetStreamContext, feed: FeedNames, directory: WebhookDirectory, queue: DeliveryQueue,
                 log: DeliveryLog, ack_wait_s: float = 30.0) -> None:
        self._js = js
        self._feed = feed
        self._directory = directory
        self._queue = queue
        self._log = log
        self._ack_wait_s = ack_wait_s
        self.ready = asyncio.Event()  # set once the feed consumer exists

    async def run(self, stop: asyncio.Event) -> None:
        sub = await self._subscribe(stop)
        if sub is None:
            return
        self.ready.set()
        try:
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(_BATCH, timeout=1.0)
                except TimeoutError:  # nats-py's own, or asyncio's when a late answer beats the deadline
                    continue
                for msg in msgs:
                    await self.handle(msg)
        finally:
            await sub.unsubscribe()

    async def _subscribe(self, stop: asyncio.Event) -> JetStreamContext.PullSubscription | None:
        """The feed stream is created by the feed relay: wait for it rather than guess its settings."""
        config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=self._ack_wait_s, max_deliver=-1,
                                deliver_policy=DeliverPolicy.NEW)
        waited = False
        while not stop.is_set():
            try:
                return await self._js.pull_subscribe(self._feed.all_subjects, durable=FEED_CONSUMER,
                                                     stream=self._feed.stream, config=config)
            except nats.js.errors.NotFoundError:
                if not waited:
                    _log.info("webhook_feed_stream_missing", stream=self._feed.stream)
                    waited = True
                await asyncio.sleep(1.0)
        return None

    async def handle(self, msg: Msg) -> None:
        try:
            event = msgspec.json.decode(msg.data, type=FeedEvent)
        except msgspec.DecodeError as exc:
            _log.error("webhook_feed_undecodable", subject=msg.subject, error=str(exc))
            await msg.term()
            return
        if event.kind in WEBHOOK_KINDS:
            self._directory.invalidate()  # the feed message comes after the change was projected
        hooks = [h for h in (await self._directory.all()).values() if h.matches(event)]
        for hook in hooks:
            delivery = delivery_id(event, hook.id)
            await self._log.create(DeliveryRecord.new(delivery, hook.id, event))
            await self._queue.enqueue(PendingDelivery(id=delivery, webhook_id=hook.id, event=event,
                                                      queued_at=now_iso()))
        await msg.ack()
