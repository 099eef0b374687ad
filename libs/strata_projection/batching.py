"""Groups stream messages into whole mutations by their ADR-50 batch headers (pure)."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from nats.aio.msg import Msg

from strata_events import EventHeaders
from strata_eventstore.ack_reply import stream_seq

__all__ = ["BatchAssembler", "RawBatch"]


class RawBatch(msgspec.Struct, frozen=True):
    """Messages of one committed mutation, or a single message written outside a batch."""

    messages: tuple[Msg, ...]

    @property
    def last_seq(self) -> int:
        return stream_seq(self.messages[-1])


class BatchAssembler:
    """Feed messages in stream order; complete batches come out, a partial one is held."""

    def __init__(self) -> None:
        self._open: list[Msg] = []
        self._open_id: str | None = None

    def feed(self, messages: Iterable[Msg]) -> list[RawBatch]:
        done: list[RawBatch] = []
        for msg in messages:
            headers = msg.headers or {}
            batch_id = headers.get(EventHeaders.BATCH_ID)
            if batch_id is None:
                done.extend(self._flush_open())
                done.append(RawBatch((msg,)))
                continue
            if self._open_id is not None and batch_id != self._open_id:
                done.extend(self._flush_open())  # a batch is stored contiguously; defensive
            self._open_id = batch_id
            self._open.append(msg)
            if headers.get(EventHeaders.BATCH_COMMIT) == "1":
                done.extend(self._flush_open())
        return done

    def _flush_open(self) -> list[RawBatch]:
        if not self._open:
            return []
        batch = RawBatch(tuple(self._open))
        self._open, self._open_id = [], None
        return [batch]

    @property
    def pending(self) -> int:
        return len(self._open)

    def reset(self) -> None:
        self._open, self._open_id = [], None
