"""ADR-50 atomic batch publishing with nats-py, which has no batch API of its own.

The first and last messages go as requests (the server answers the first to open the batch and
the last with the batch's ack or error); the middle ones are plain publishes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from nats.aio.client import Client

from strata_events import EventHeaders

__all__ = ["BatchMessage", "publish_atomic_batch"]

BatchMessage = tuple[str, bytes, dict[str, str]]


async def publish_atomic_batch(
    nc: Client, messages: Sequence[BatchMessage], *, timeout_s: float = 10.0
) -> dict[str, Any]:
    """Publish `messages` as one atomic batch and return the server's JSON answer to the commit.

    Headers given per message are kept; the batch headers are added here.
    """
    if not messages:
        raise ValueError("an atomic batch needs at least one message")
    batch_id = uuid.uuid4().hex
    last = len(messages)
    for index, (subject, payload, headers) in enumerate(messages, start=1):
        hdrs = dict(headers)
        hdrs[EventHeaders.BATCH_ID] = batch_id
        hdrs[EventHeaders.BATCH_SEQUENCE] = str(index)
        if index == last:
            hdrs[EventHeaders.BATCH_COMMIT] = "1"
            reply = await nc.request(subject, payload, headers=hdrs, timeout=timeout_s)
            answer: dict[str, Any] = json.loads(reply.data) if reply.data else {}
            return answer
        if index == 1:
            first = await nc.request(subject, payload, headers=hdrs, timeout=timeout_s)
            if first.data:
                opened: dict[str, Any] = json.loads(first.data)
                if "error" in opened:
                    return opened
        else:
            await nc.publish(subject, payload, headers=hdrs)
    raise AssertionError("unreachable: the loop returns at the last message")
