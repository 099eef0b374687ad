"""ADR-50 atomic batch publishing with nats-py, which has no batch API of its own.

The first and last messages go as requests (the server answers the first to open the batch and
the last with the batch's ack or error); the middle ones are plain publishes.

The middle ones are framed here (`hpub_frames`) and handed to the connection as one write:
nats-py's `publish` checks every header key against a pattern and rewrites every value on each
call, which for a 10,000-event merge was 0.3 s of the 0.5 s the append took (cProfile). The
same checks are made here once per distinct set of headers (`_HeaderBlocks`), so a refused header is
still refused, before anything of the batch is sent.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

from nats.aio.client import Client
from nats.errors import BadHeaderError, BadSubjectError, ConnectionClosedError, MaxPayloadError

from strata_events import EventHeaders

__all__ = ["BatchMessage", "hpub_frames", "publish_atomic_batch"]

BatchMessage = tuple[str, bytes, dict[str, str]]

# what the NATS protocol allows in a header name (RFC 7230 token characters)
_HEADER_KEY = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_NEWLINES = str.maketrans({"\r": " ", "\n": " "})
_SUBJECT_BREAKS = re.compile(r"[\s]")


class _HeaderBlocks:
    """Each message's header lines, encoded once per distinct set: a batch's messages share
    all but their event type (mutation id, actor, time, trace), so a 10,000-event batch
    encodes a handful of blocks. Keys are checked and values freed of line breaks as nats-py
    does."""

    def __init__(self) -> None:
        self._blocks: dict[tuple[tuple[str, str], ...], bytes] = {}

    def block(self, headers: dict[str, str]) -> bytes:
        items = tuple(headers.items())
        found = self._blocks.get(items)
        if found is None:
            found = b"".join(_header_line(k, v) for k, v in items)
            self._blocks[items] = found
        return found


def _header_line(key: str, value: str) -> bytes:
    name = key.strip()
    if not _HEADER_KEY.fullmatch(name):
        raise BadHeaderError(key)
    return f"{name}: {value.strip().translate(_NEWLINES)}\r\n".encode()


def hpub_frames(messages: Sequence[BatchMessage], *, batch_id: str, first_index: int, max_payload: int) -> bytes:
    """The NATS protocol's `HPUB` frames of `messages`, the batch's messages from
    `first_index` on (none of them the commit), in order as one buffer, without a reply
    subject. Raises as nats-py's `publish` would for a bad subject, header or payload size."""
    blocks = _HeaderBlocks()
    batch_line = _header_line(EventHeaders.BATCH_ID, batch_id)
    sequence_key = EventHeaders.BATCH_SEQUENCE.encode()
    frames: list[bytes] = []
    for index, (subject, payload, headers) in enumerate(messages, start=first_index):
        if not subject or _SUBJECT_BREAKS.search(subject):
            raise BadSubjectError
        if len(payload) > max_payload:
            raise MaxPayloadError
        header = b"NATS/1.0\r\n%s%s%s: %d\r\n\r\n" % (blocks.block(headers), batch_line, sequence_key, index)
        frames.append(b"HPUB %s %d %d\r\n" % (subject.encode(), len(header), len(header) + len(payload)))
        frames.append(header)
        frames.append(payload)
        frames.append(b"\r\n")
    return b"".join(frames)


async def publish_atomic_batch(
    nc: Client, messages: Sequence[BatchMessage], *, timeout_s: float = 10.0
) -> dict[str, Any]:
    """Publish `messages` as one atomic batch and return the server's JSON answer to the commit.

    Headers given per message are kept; the batch headers are added here.
    """
    if not messages:
        raise ValueError("an atomic batch needs at least one message")
    batch_id = uuid.uuid4().hex
    middle = b""
    if len(messages) > 2:
        middle = hpub_frames(messages[1:-1], batch_id=batch_id, first_index=2, max_payload=nc.max_payload)
    if len(messages) > 1:
        subject, payload, headers = _with_batch_headers(messages[0], batch_id, 1)
        first = await nc.request(subject, payload, headers=headers, timeout=timeout_s)
        if first.data:
            opened: dict[str, Any] = json.loads(first.data)
            if "error" in opened:
                return opened
    if middle:
        await _send_raw(nc, middle)
    subject, payload, headers = _with_batch_headers(messages[-1], batch_id, len(messages))
    headers[EventHeaders.BATCH_COMMIT] = "1"
    reply = await nc.request(subject, payload, headers=headers, timeout=timeout_s)
    answer: dict[str, Any] = json.loads(reply.data) if reply.data else {}
    return answer


def _with_batch_headers(message: BatchMessage, batch_id: str, index: int) -> BatchMessage:
    subject, payload, headers = message
    hdrs = dict(headers)
    hdrs[EventHeaders.BATCH_ID] = batch_id
    hdrs[EventHeaders.BATCH_SEQUENCE] = str(index)
    return subject, payload, hdrs


async def _send_raw(nc: Client, frames: bytes) -> None:
    """Queue already framed protocol bytes on the connection, ahead of the commit request that
    follows them on the same socket. nats-py (pinned in pyproject.toml) has no public call for
    this; `_send_command` is what its own `publish` ends in."""
    if nc.is_closed:
        raise ConnectionClosedError
    await nc._send_command(frames)  # noqa: SLF001
    await nc._flush_pending()  # noqa: SLF001
