"""Delivery records: each delivery's state and every attempt, in a JetStream KV bucket.

Key `<webhook token>.<delivery id>`, so one webhook's deliveries are listed with a key filter.
A record is created once (`create`, so a redelivered feed message never resets it) and then
rewritten by the endpoint worker after each attempt.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Final, Literal

import msgspec
import nats.errors
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.kv import KeyValue

from strata_eventstore import StreamNames
from strata_feed.contract import FeedEvent

__all__ = ["Attempt", "DeliveryLog", "DeliveryRecord", "DeliveryState", "delivery_id", "now_iso", "token"]

DeliveryState = Literal["pending", "delivered", "failed"]
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LIST_TIMEOUT_S: Final = 5.0


def token(webhook_id: str) -> str:
    """A webhook id as a subject token, consumer name and key part (hashed if it has other characters)."""
    if _TOKEN.match(webhook_id):
        return webhook_id
    return "h" + hashlib.sha256(webhook_id.encode()).hexdigest()[:40]


def delivery_id(event_id: str, webhook_id: str) -> str:
    """Stable per (event, webhook): the `webhook-id` header receivers dedupe on, the same on retries."""
    return "msg_" + hashlib.sha256(f"{event_id}|{webhook_id}".encode()).hexdigest()[:32]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    at: str
    duration_ms: float
    status_code: int | None = None
    error: str | None = None
    next_retry_at: str | None = None


class DeliveryRecord(msgspec.Struct, kw_only=True):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    branch: str
    state: DeliveryState
    created_at: str
    updated_at: str
    attempts: list[Attempt] = []

    @classmethod
    def new(cls, delivery: str, webhook_id: str, event: FeedEvent) -> DeliveryRecord:
        at = now_iso()
        return cls(id=delivery, webhook_id=webhook_id, event_id=event.id, event_type=event.type,
                   branch=event.branch, state="pending", created_at=at, updated_at=at)


class DeliveryLog:
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    @classmethod
    async def open(cls, js: JetStreamContext, names: StreamNames, replicas: int = 1,
                   max_age_s: float = 7 * 86400) -> DeliveryLog:
        config = KeyValueConfig(bucket=names.kv_bucket("webhook_deliveries"), history=1, ttl=max_age_s,
                                storage=StorageType.FILE, replicas=replicas)
        return cls(await js.create_key_value(config))

    @classmethod
    async def existing(cls, js: JetStreamContext, names: StreamNames) -> DeliveryLog | None:
        """The bucket if the worker created it already (readers never create it)."""
        try:
            return cls(await js.key_value(names.kv_bucket("webhook_deliveries")))
        except nats.js.errors.BucketNotFoundError:
            return None

    @staticmethod
    def _key(webhook_id: str, delivery: str) -> str:
        return f"{token(webhook_id)}.{delivery}"

    async def create(self, record: DeliveryRecord) -> bool:
        """Stores a new record; False when it already exists (left as it is)."""
        try:
            await self._kv.create(self._key(record.webhook_id, record.id), msgspec.json.encode(record))
        except nats.js.errors.KeyWrongLastSequenceError:
            return False
        return True

    async def put(self, record: DeliveryRecord) -> None:
        record.updated_at = now_iso()
        await self._kv.put(self._key(record.webhook_id, record.id), msgspec.json.encode(record))

    async def get(self, webhook_id: str, delivery: str) -> DeliveryRecord | None:
        try:
            entry = await self._kv.get(self._key(webhook_id, delivery))
        except nats.js.errors.KeyNotFoundError:
            return None
        return msgspec.json.decode(entry.value or b"", type=DeliveryRecord) if entry.value else None

    async def list(self, webhook_id: str, limit: int = 100) -> list[DeliveryRecord]:
        """The webhook's deliveries, newest first."""
        watcher = await self._kv.watch(f"{token(webhook_id)}.>", ignore_deletes=True)
        records: list[DeliveryRecord] = []
        try:
            while True:
                try:
                    entry = await watcher.updates(timeout=_LIST_TIMEOUT_S)  # type: ignore[no-untyped-call]  # nats-py leaves it untyped
                except nats.errors.TimeoutError:
                    break
                if entry is None:
                    break
                if entry.value:
                    records.append(msgspec.json.decode(entry.value, type=DeliveryRecord))
        finally:
            await watcher.stop()  # type: ignore[no-untyped-call]  # nats-py leaves it untyped
        records.sort(key=lambda r: r.created_at, reverse=True)
        return records[:limit]
