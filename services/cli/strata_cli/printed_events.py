"""The JSON line `strata audit events` (and `strata replay --print`) writes for a stored event.

Its shape is the output's contract with the scripts that read it: the fields of `StoredEvent`
with the stored time as `time`, an ISO 8601 timestamp, whatever the store keeps internally
(`StoredEvent.stored_ns`)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from strata_events import Event
from strata_eventstore.records import StoredEvent

__all__ = ["printed_event"]

_encoder = msgspec.json.Encoder()


class _PrintedEvent(msgspec.Struct):
    seq: int
    subject: str
    event: Event
    time: datetime
    mutation_id: str | None
    actor: str | None
    batch_id: str | None
    batch_commit: bool
    correlation_id: str | None
    traceparent: str | None


def printed_event(stored: StoredEvent) -> bytes:
    """`stored` as one line of JSON, without its line break."""
    return _encoder.encode(_PrintedEvent(
        seq=stored.seq, subject=stored.subject, event=stored.event, time=stored.time,
        mutation_id=stored.mutation_id, actor=stored.actor, batch_id=stored.batch_id,
        batch_commit=stored.batch_commit, correlation_id=stored.correlation_id,
        traceparent=stored.traceparent,
    ))  # fmt: skip
