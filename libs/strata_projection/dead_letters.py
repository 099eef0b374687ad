"""Moves messages that cannot be decoded to the dead-letter stream, with the reason."""

from __future__ import annotations

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, StorageType, StreamConfig

from strata_eventstore import StreamNames

__all__ = ["DeadLetters", "REASON_HEADER"]

REASON_HEADER = "Strata-Dead-Letter-Reason"
SOURCE_STREAM_HEADER = "Strata-Dead-Letter-Stream"
SOURCE_SEQ_HEADER = "Strata-Dead-Letter-Seq"
SOURCE_SUBJECT_HEADER = "Strata-Dead-Letter-Subject"


class DeadLetters:
    def __init__(self, js: JetStreamContext, names: StreamNames, replicas: int = 1) -> None:
        self._js = js
        self._names = names
        self._replicas = replicas

    async def ensure_stream(self) -> None:
        await self._js.add_stream(
            StreamConfig(
                name=self._names.dead_letter_stream,
                subjects=[f"{self._names.subject_root}.dlq.>"],
                storage=StorageType.FILE,
                discard=DiscardPolicy.NEW,
                num_replicas=self._replicas,
            )
        )

    async def put(self, branch_id: str, msg: Msg, reason: str) -> None:
        headers = dict(msg.headers or {})
        headers.pop("Nats-Msg-Id", None)
        for name in [h for h in headers if h.startswith("Nats-Batch") or h.startswith("Nats-Expected")]:
            headers.pop(name)
        headers[REASON_HEADER] = reason[:1000]
        headers[SOURCE_STREAM_HEADER] = msg.metadata.stream
        headers[SOURCE_SEQ_HEADER] = str(msg.metadata.sequence.stream)
        headers[SOURCE_SUBJECT_HEADER] = msg.subject
        await self._js.publish(self._names.dead_letter_subject(branch_id), msg.data, headers=headers)
