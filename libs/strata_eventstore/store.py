"""EventStore: append mutations as atomic batches with optimistic concurrency; read them back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import msgspec
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    StorageType,
    StreamConfig,
)

import structlog
from opentelemetry import trace

from strata_core.correlation import current_correlation_id
from strata_core.errors import BatchTooLarge, BranchNotFound, ConcurrencyConflict, StoreUnavailable
from strata_core.metrics import APPENDS, EVENTS_APPENDED
from strata_core.tracing import current_traceparent
from strata_events import DecodeError, EventHeaders, MutationCommitted, decode_event, encode_event
from strata_events.types import event_tag
from strata_eventstore.ack_reply import stream_position
from strata_eventstore.batch_publish import BatchMessage, publish_atomic_batch
from strata_eventstore.js_errors import JsErrorCode
from strata_eventstore.naming import StreamNames
from strata_eventstore.raw_pull import RawPuller
from strata_eventstore.stream_listing import StreamListingRefused, all_stream_names
from strata_eventstore.records import AppendResult, PendingEvent, StoredEvent, nanos
from strata_eventstore.write_turns import WriteTurns

__all__ = ["EventStore"]

_log = structlog.get_logger("strata.eventstore")

_PAGE = 1000
_tracer = trace.get_tracer("strata.eventstore")


class EventStore:
    """The source of truth. One JetStream stream per branch; one atomic batch per mutation."""

    def __init__(
        self,
        nc: Client,
        names: StreamNames,
        *,
        replicas: int = 1,
        duplicate_window_s: float = 86400.0,
        max_batch: int = 20000,  # nats/nats-server.conf: jetstream.limits.batch.max_msgs
    ) -> None:
        self._nc = nc
        self._js = nc.jetstream()
        self.names = names
        self._replicas = replicas
        self._duplicate_window_s = duplicate_window_s
        self.max_batch = max_batch
        # the writers of this process that decide on a branch's head take its turn (write_turns)
        self.turns = WriteTurns()

    @property
    def nc(self) -> Client:
        return self._nc

    def stream_config(self, branch_id: str) -> StreamConfig:
        return StreamConfig(
            name=self.names.stream(branch_id),
            subjects=[self.names.branch_subjects(branch_id)],
            storage=StorageType.FILE,
            discard=DiscardPolicy.NEW,  # a full stream refuses, never forgets
            deny_delete=True,
            deny_purge=True,
            allow_atomic=True,
            allow_direct=True,
            duplicate_window=self._duplicate_window_s,
            num_replicas=self._replicas,
        )

    async def ensure_branch_stream(self, branch_id: str) -> str:
        config = self.stream_config(branch_id)
        try:  # one round trip: creating a stream that exists with this config succeeds
            await self._js.add_stream(config)
        except nats.js.errors.BadRequestError as exc:
            if exc.err_code != JsErrorCode.STREAM_NAME_IN_USE:  # exists, configured otherwise
                raise StoreUnavailable(f"cannot create stream {config.name}: {exc}") from exc
        return config.name or ""

    async def branch_ids(self) -> list[str]:
        """Ids of every branch stream present on the server; StoreUnavailable while NATS is away
        (a restart, a leader election), so that a caller polling the listing can try again."""
        try:
            names = await all_stream_names(self._nc)
        except (nats.errors.Error, StreamListingRefused) as exc:
            raise StoreUnavailable(f"cannot list the branch streams: {exc!r}") from exc
        out: list[str] = []
        for name in names:
            bid = self.names.branch_id_of_stream(name)
            if bid is not None:
                out.append(bid)
        return out

    async def branch_ids_if_reachable(self) -> list[str] | None:
        """branch_ids, or None (logged) while NATS is away: for the loops that list again soon
        and must outlive an outage rather than end with it."""
        try:
            return await self.branch_ids()
        except StoreUnavailable as exc:
            _log.warning("stream_listing_unavailable", error=str(exc))
            return None

    async def head(self, branch_id: str) -> int:
        """Sequence of the branch's last mutation (its head message), 0 when it has none."""
        try:
            msg = await self._js.get_last_msg(
                self.names.stream(branch_id), self.names.head_subject(branch_id)
            )
        except nats.js.errors.NotFoundError as exc:
            if exc.err_code == JsErrorCode.STREAM_NOT_FOUND:
                raise BranchNotFound(f"no stream for branch {branch_id}", branch_id=branch_id) from exc
            return 0
        return int(msg.seq or 0)

    async def last_seq(self, branch_id: str) -> int:
        try:
            info = await self._js.stream_info(self.names.stream(branch_id))
        except nats.js.errors.NotFoundError as exc:
            raise BranchNotFound(f"no stream for branch {branch_id}", branch_id=branch_id) from exc
        return int(info.state.last_seq)

    async def append(
        self,
        branch_id: str,
        events: Sequence[PendingEvent],
        *,
        expected_head: int | None,
        mutation_id: str | None = None,
        actor: str | None = None,
        operation: str = "",
        correlation_id: str | None = None,
        traceparent: str | None = None,
        retries_on_timeout: int = 2,
    ) -> AppendResult:
        """Append `events` plus a head message as one atomic batch.

        `expected_head` is the head sequence the caller decided on (0: the branch has none yet;
        None: no concurrency check). Raises ConcurrencyConflict when another writer moved it.
        A re-sent batch with the same `mutation_id` is stored once (`duplicate=True`).
        The correlation id and trace context default to the caller's (strata_core.correlation,
        the active OpenTelemetry span), so the projector can continue both.
        """
        if len(events) + 1 > self.max_batch:
            raise BatchTooLarge(
                f"a mutation may hold at most {self.max_batch - 1} events, got {len(events)}",
                limit=self.max_batch - 1,
            )
        with _tracer.start_as_current_span("event_store.append") as span:
            span.set_attribute("strata.branch_id", branch_id)
            span.set_attribute("strata.operation", operation)
            span.set_attribute("strata.events", len(events))
            outcome = "failed"
            try:
                result = await self._append(
                    branch_id, events, expected_head=expected_head, mutation_id=mutation_id,
                    actor=actor, operation=operation,
                    correlation_id=correlation_id or current_correlation_id(),
                    traceparent=traceparent or current_traceparent(),
                    retries_on_timeout=retries_on_timeout,
                )  # fmt: skip
                outcome = "duplicate" if result.duplicate else "committed"
                span.set_attribute("strata.head_seq", result.head_seq)
                if not result.duplicate:
                    EVENTS_APPENDED.labels(stream=result.stream).inc(result.count)
                return result
            except ConcurrencyConflict:
                outcome = "conflict"
                raise
            finally:
                APPENDS.labels(operation=operation, outcome=outcome).inc()

    async def _append(
        self,
        branch_id: str,
        events: Sequence[PendingEvent],
        *,
        expected_head: int | None,
        mutation_id: str | None,
        actor: str | None,
        operation: str,
        correlation_id: str | None,
        traceparent: str | None,
        retries_on_timeout: int,
    ) -> AppendResult:
        mutation_id = mutation_id or uuid.uuid4().hex
        stream = self.names.stream(branch_id)
        common = {EventHeaders.MUTATION_ID: mutation_id, EventHeaders.OCCURRED_AT: _now_iso()}
        if actor:
            common[EventHeaders.ACTOR] = actor
        if correlation_id:
            common[EventHeaders.CORRELATION_ID] = correlation_id
        if traceparent:
            common[EventHeaders.TRACEPARENT] = traceparent
        messages: list[BatchMessage] = [_message(p.subject, p, common) for p in events]
        head_event = MutationCommitted(
            mutation_id=mutation_id, event_count=len(events), actor=actor, operation=operation
        )
        head_headers = dict(common)
        head_headers[EventHeaders.MSG_ID] = mutation_id
        if expected_head is not None:
            head_headers[EventHeaders.EXPECTED_LAST_SUBJECT_SEQUENCE] = str(expected_head)
        messages.append(
            _message(self.names.head_subject(branch_id), PendingEvent("", head_event), head_headers)
        )
        for attempt in range(retries_on_timeout + 1):
            try:
                answer = await publish_atomic_batch(self._nc, messages)
                break
            except nats.errors.NoRespondersError as exc:
                raise BranchNotFound(f"no stream for branch {branch_id}", branch_id=branch_id) from exc
            except nats.errors.TimeoutError as exc:
                if attempt == retries_on_timeout:
                    raise StoreUnavailable(f"append to {stream} timed out") from exc
        error = answer.get("error")
        if error is None:
            return AppendResult(stream=stream, head_seq=int(answer["seq"]), count=len(messages))
        code = int(error.get("err_code", 0))
        if code == JsErrorCode.WRONG_LAST_SEQUENCE:
            raise ConcurrencyConflict(
                f"branch {branch_id} moved past head {expected_head}",
                branch_id=branch_id,
                expected_head=expected_head,
            )
        if code == JsErrorCode.BATCH_DUPLICATE_MSG_ID:
            # Already stored: the branch head is at or after it, a safe point to wait for.
            return AppendResult(
                stream=stream,
                head_seq=await self.head(branch_id),
                count=0,
                duplicate=True,
            )
        raise StoreUnavailable(f"append to {stream} failed: {error.get('description')}", js_error=code)

    async def iter_range(
        self,
        branch_id: str,
        start: int = 1,
        end: int | None = None,
        *,
        subject: str | None = None,
        start_time: datetime | None = None,
    ) -> AsyncIterator[StoredEvent]:
        """Events with `start <= seq <= end` (end: the stream's last sequence now), in order.
        With `start_time`, the first event is the first stored at or after it (`start` unused)."""
        stream = self.names.stream(branch_id)
        config = ConsumerConfig(
            ack_policy=AckPolicy.NONE,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE if start_time is None else DeliverPolicy.BY_START_TIME,
            opt_start_seq=max(start, 1) if start_time is None else None,
            opt_start_time=start_time,
            filter_subject=subject or self.names.branch_subjects(branch_id),
            inactive_threshold=30.0,
            mem_storage=True,
            num_replicas=1,
        )
        try:
            info = await self._js.add_consumer(stream, config)
        except nats.js.errors.NotFoundError as exc:
            raise BranchNotFound(f"no stream for branch {branch_id}", branch_id=branch_id) from exc
        remaining = int(info.num_pending or 0)
        puller = RawPuller(self._nc, stream, info.name)
        try:
            while remaining > 0:
                page = await puller.pull(min(_PAGE, remaining), wait_s=1.0)
                if not page:
                    break
                for msg in page:
                    remaining -= 1
                    stored = stored_event_from_msg(msg)
                    if end is not None and stored.seq > end:
                        return
                    yield stored
        finally:
            await puller.close()
            try:
                await self._js.delete_consumer(stream, info.name)
            except (nats.js.errors.NotFoundError, nats.errors.Error):
                pass

    async def read_range(
        self, branch_id: str, start: int = 1, end: int | None = None
    ) -> list[StoredEvent]:
        return [e async for e in self.iter_range(branch_id, start, end)]

    async def last_event(self, branch_id: str, subject: str) -> StoredEvent | None:
        """The last event on `subject`, by direct get (one round trip, no consumer)."""
        return await self._direct_get(branch_id, {"last_by_subj": subject}, subject)

    async def next_event(self, branch_id: str, subject: str, from_seq: int) -> StoredEvent | None:
        """The first event on `subject` at or after `from_seq`, by direct get. With the head
        subject and an event's sequence: the head message of that event's mutation."""
        return await self._direct_get(branch_id, {"seq": from_seq, "next_by_subj": subject}, subject)

    async def last_event_seq(self, branch_id: str, subject: str) -> int | None:
        """The sequence of the last event on `subject`, without decoding it: a caller that
        keeps decoded events by sequence (the schema service) decodes only a new one."""
        msg = await self._direct_msg(branch_id, {"last_by_subj": subject})
        return int((msg.headers or {}).get("Nats-Sequence", "0")) if msg is not None else None

    async def _direct_msg(self, branch_id: str, request: dict[str, object]) -> Msg | None:
        try:
            msg = await self._nc.request(
                f"$JS.API.DIRECT.GET.{self.names.stream(branch_id)}",
                msgspec.json.encode(request),
                timeout=5.0,
            )
        except nats.errors.NoRespondersError as exc:
            raise BranchNotFound(f"no stream for branch {branch_id}", branch_id=branch_id) from exc
        return None if (msg.headers or {}).get("Status") is not None else msg

    async def _direct_get(self, branch_id: str, request: dict[str, object], subject: str) -> StoredEvent | None:
        msg = await self._direct_msg(branch_id, request)
        if msg is None:
            return None
        headers = msg.headers or {}
        version_text = headers.get(EventHeaders.VERSION)
        event = decode_event(
            msg.data,
            tag=headers.get(EventHeaders.TYPE),
            version=int(version_text) if version_text and version_text.isdigit() else None,
        )
        return StoredEvent(
            seq=int(headers.get("Nats-Sequence", "0")),
            subject=headers.get("Nats-Subject", subject),
            event=event,
            stored_ns=nanos(parse_nats_time(headers.get("Nats-Time-Stamp", _now_iso()))),
            mutation_id=headers.get(EventHeaders.MUTATION_ID),
            actor=headers.get(EventHeaders.ACTOR),
            correlation_id=headers.get(EventHeaders.CORRELATION_ID),
            traceparent=headers.get(EventHeaders.TRACEPARENT),
        )

    async def read_object(self, branch_id: str, node_id: str) -> list[StoredEvent]:
        """Every event about one object on one branch, oldest first."""
        subject = self.names.node_subject(branch_id, node_id)
        return [e async for e in self.iter_range(branch_id, 1, None, subject=subject)]


def _message(subject: str, pending: PendingEvent, common: dict[str, str]) -> BatchMessage:
    headers = dict(common)
    headers[EventHeaders.TYPE] = event_tag(pending.event)
    headers[EventHeaders.VERSION] = str(pending.event.v)
    return (subject, encode_event(pending.event), headers)


def parse_nats_time(text: str) -> datetime:
    """RFC 3339 with up to nanoseconds, as nats-server writes it; microseconds kept."""
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        zone = rest[len(digits):]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    return datetime.fromisoformat(text)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def stored_event_from_msg(msg: Msg) -> StoredEvent:
    """Decode a stream message. Raises strata_events.DecodeError for a bad payload."""
    headers = msg.headers or {}
    version_text = headers.get(EventHeaders.VERSION)
    try:
        version = int(version_text) if version_text is not None else None
    except ValueError as exc:
        raise DecodeError(f"header {EventHeaders.VERSION}={version_text!r} is not an integer") from exc
    event = decode_event(msg.data, tag=headers.get(EventHeaders.TYPE), version=version)
    seq, stored_ns = stream_position(msg)
    return StoredEvent(
        seq=seq,
        subject=msg.subject,
        event=event,
        stored_ns=stored_ns,
        mutation_id=headers.get(EventHeaders.MUTATION_ID),
        actor=headers.get(EventHeaders.ACTOR),
        batch_id=headers.get(EventHeaders.BATCH_ID),
        batch_commit=headers.get(EventHeaders.BATCH_COMMIT) == "1",
        correlation_id=headers.get(EventHeaders.CORRELATION_ID),
        traceparent=headers.get(EventHeaders.TRACEPARENT),
    )
