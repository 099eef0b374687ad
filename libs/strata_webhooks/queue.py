"""Pending deliveries: a JetStream work-queue stream with one subject (and consumer) per webhook.

A delivery is published here before the feed message is acknowledged, and taken off only when
it was delivered or gave up, so a worker restart loses nothing. Each webhook has its own
durable consumer, so a slow or failing endpoint holds only its own messages.
"""

from __future__ import annotations

import msgspec
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StorageType, StreamConfig

from strata_eventstore import StreamNames
from strata_feed.contract import FeedEvent

from .records import token

__all__ = ["DeliveryQueue", "PendingDelivery"]

_CONSUMER_PREFIX = "webhook_"


class PendingDelivery(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    webhook_id: str
    event: FeedEvent
    queued_at: str


class DeliveryQueue:
    def __init__(self, js: JetStreamContext, names: StreamNames) -> None:
        self._js = js
        self._names = names

    @property
    def stream(self) -> str:
        return f"{self._names.prefix}_WEBHOOKS"

    def subject(self, webhook_id: str) -> str:
        return f"{self._names.subject_root}.webhooks.pending.{token(webhook_id)}"

    @staticmethod
    def consumer(webhook_id: str) -> str:
        return _CONSUMER_PREFIX + token(webhook_id)

    @classmethod
    async def open(cls, js: JetStreamContext, names: StreamNames, replicas: int = 1,
                   duplicate_window_s: float = 3600.0) -> DeliveryQueue:
        queue = cls(js, names)
        config = StreamConfig(
            name=queue.stream, subjects=[f"{names.subject_root}.webhooks.pending.>"],
            retention=RetentionPolicy.WORK_QUEUE, storage=StorageType.FILE, num_replicas=replicas,
            duplicate_window=duplicate_window_s,
        )  # fmt: skip
        try:
            await js.add_stream(config)
        except nats.js.errors.BadRequestError:
            await js.update_stream(config)
        return queue

    async def enqueue(self, pending: PendingDelivery) -> None:
        """Idempotent within the duplicate window: the delivery id is the message id."""
        await self._js.publish(self.subject(pending.webhook_id), msgspec.json.encode(pending),
                               stream=self.stream, headers={"Nats-Msg-Id": pending.id})

    async def subscribe(self, webhook_id: str, ack_wait_s: float, max_ack_pending: int) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=ack_wait_s, max_ack_pending=max_ack_pending,
                                max_deliver=-1)
        return await self._js.pull_subscribe(self.subject(webhook_id), durable=self.consumer(webhook_id),
                                             stream=self.stream, config=config)

    async def webhook_tokens(self) -> set[str]:
        """The webhooks (as tokens) that have a consumer, including ones deleted while no worker ran."""
        infos = await self._js.consumers_info(self.stream)
        return {i.name[len(_CONSUMER_PREFIX):] for i in infos if i.name and i.name.startswith(_CONSUMER_PREFIX)}

    async def drop(self, webhook_token: str) -> None:
        """Forget a deleted webhook's consumer and pending deliveries (by its token)."""
        try:
            await self._js.delete_consumer(self.stream, _CONSUMER_PREFIX + webhook_token)
        except nats.js.errors.NotFoundError:
            pass
        await self._js.purge_stream(self.stream, subject=f"{self._names.subject_root}.webhooks.pending.{webhook_token}")
