"""Values the store hands out: what was appended, and an event as stored."""

from __future__ import annotations

from datetime import datetime

import msgspec

from strata_events import Event

__all__ = ["AppendResult", "PendingEvent", "StoredEvent"]


class PendingEvent(msgspec.Struct, frozen=True):
    """An event about to be appended, with the subject it goes to."""

    subject: str
    event: Event


class AppendResult(msgspec.Struct, frozen=True):
    """Where a mutation landed. `duplicate` is set when a re-sent batch was already stored."""

    stream: str
    head_seq: int
    count: int
    duplicate: bool = False


class StoredEvent(msgspec.Struct, frozen=True):
    seq: int
    subject: str
    event: Event
    time: datetime
    mutation_id: str | None = None
    actor: str | None = None
    batch_id: str | None = None
    batch_commit: bool = False
    correlation_id: str | None = None
    traceparent: str | None = None  # W3C trace context of the request that appended it
