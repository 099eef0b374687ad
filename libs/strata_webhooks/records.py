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
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.kv import KeyValue

from strata_eventstore import StreamNames
from strata_feed.contract import FeedEvent

__all__ = ["Attempt", "DeliveryLog", "DeliveryRecord", "DeliveryState", "delivery_id", "now_iso", "token"]

DeliveryState = Literal["pending", "delivered", "failed"]
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BUCKET: Final = "webhook_deliveries"


def token(webhook_id: str) -> str:
    """A webhook id as a subject token, consumer name and key part (hashed if it has other characters)."""
    if _TOKEN.match(webhook_id):
        return webhook_id
    return "h" + hashlib.sha256(webhook_id.encode()).hexdigest()[:40]


def delivery_id(event: FeedEvent, webhook_id: str) -> str:
    """Stable per (event, webhook): the `webhook-id` header receivers dedupe on, the same on
    retries. It starts with the event's time, so a webhook's record keys sort by time."""
    try:
        micros = int(datetime.fromisoformat(event.occurred_at.replace("Z", "+00:00")).timestamp() * 1_000_000)
    except ValueError:
        micros = 0
    digest = hashlib.sha256(f"{event.id}|{webhook_id}".encode()).hexdigest()[:24]
    return f"msg_{max(micros, 0):017d}_{digest}"


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
    def __init__(self, js: JetStreamContext, kv: KeyValue, bucket: str) -> None:
        self._js = js
        self._kv = kv
        self._bucket = bucket

    @classmethod
    async def open(cls, js: JetStreamContext, names: StreamNames, replicas: int = 1,
                   max_age_s: float = 7 * 86400) -> DeliveryLog:
        bucket = names.kv_bucket(_BUCKET)
        config = KeyValueConfig(bucket=bucket, history=1, ttl=max_age_s, storage=StorageType.FILE, replicas=replicas)
        return cls(js, await js.create_key_value(config), bucket)

    @classmethod
    async def existing(cls, js: JetStreamContext, names: StreamNames) -> DeliveryLog | None:
        """The bucket if the worker created it already (readers never create it)."""
        bucket = names.kv_bucket(_BUCKET)
        try:
            return cls(js, await js.key_value(bucket), bucket)
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
        return msgspec.json.decode(entry.value, type=DeliveryRecord) if entry.value else None

    async def list(self, webhook_id: str, limit: int = 100) -> list[DeliveryRecord]:
        """The webhook's newest `limit` deliveries, newest first.

        The keys come from the bucket stream's subject list (no consumer is created, so polling
        this costs the server nothing lasting), then only the records shown are read.
        """
        prefix = f"$KV.{self._bucket}."
        info = await self._js.stream_info(f"KV_{self._bucket}", subjects_filter=f"{prefix}{token(webhook_id)}.>")
        keys = sorted((subject[len(prefix):] for subject in (info.state.subjects or {})), reverse=True)
        records: list[DeliveryRecord] = []
        for key in keys[:limit]:
            webhook_part, _, delivery = key.partition(".")
            found = await self.get(webhook_id, delivery) if webhook_part == token(webhook_id) else None
            if found is not None:
                records.append(found)
        return records
