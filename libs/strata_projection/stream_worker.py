"""One branch stream → the graph: pull, assemble whole batches, apply, checkpoint, ack."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import nats.errors
import nats.js.errors
import structlog
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link

from strata_events import BranchCreated, DecodeError, NewerEventVersion
from strata_eventstore import StreamNames
from strata_eventstore.ack_reply import stream_seq
from strata_eventstore.first_message import until_first_message
from strata_eventstore.raw_pull import RawPuller
from strata_eventstore.records import StoredEvent
from strata_eventstore.store import stored_event_from_msg
from strata_core.tracing import context_from_headers
from strata_graph.projection import GraphProjection, OriginNotProjected, ProjectionBatch
from strata_projection.batching import BatchAssembler, RawBatch
from strata_projection.dead_letters import DeadLetters
from strata_projection.read_ahead import DecodedBacklog, PendingBatch
from strata_projection.status import StreamStatus

__all__ = ["StreamWorker", "WorkerOptions"]

_log = structlog.get_logger("strata.projector")
_tracer = trace.get_tracer("strata.projector")


class WorkerOptions:
    def __init__(
        self,
        *,
        consumer_name: str = "projector",
        pull_batch: int = 1000,
        max_events_per_tx: int = 5000,
        hold_in_tx_s: float = 0.0,
        idle_wait_s: float = 30.0,
    ) -> None:
        self.consumer_name = consumer_name
        # how long one pull of a caught-up stream waits for a message; a new message ends the
        # wait at once, so this sets only how many requests a quiet stream costs (with a
        # thousand open branches, 5 s kept nats-server and the projector at ~14 % of a core
        # doing nothing); a reconnection ends the wait early (`RawPuller`)
        self.idle_wait_s = idle_wait_s
        self.pull_batch = pull_batch
        self.max_events_per_tx = max_events_per_tx
        self.hold_in_tx_s = hold_in_tx_s


class StreamWorker:
    def __init__(
        self,
        nc: Client,
        names: StreamNames,
        projection: GraphProjection,
        dead_letters: DeadLetters,
        branch_id: str,
        options: WorkerOptions,
        *,
        make_stream: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        """`make_stream` (the live projector's `EventStore.ensure_branch_stream`) makes the
        stream of each branch created in this stream before its creation is projected: a branch
        the read model holds always has its stream (see `strata_service.branch_service`)."""
        self._nc = nc
        self._make_stream = make_stream
        self._js = nc.jetstream()
        self._names = names
        self._projection = projection
        self._dead_letters = dead_letters
        self.branch_id = branch_id
        self.stream = names.stream(branch_id)
        self._options = options
        self.status = StreamStatus(branch_id=branch_id, stream=self.stream)
        self._log = _log.bind(stream=self.stream, branch_id=branch_id)
        self._lag_checked_at = 0.0

    async def _prepare_consumer(self, checkpoint: int) -> None:
        """Position the durable consumer just after the graph's checkpoint.

        The consumer's own ack floor is not trusted (after a hard kill it was seen to move
        backwards); the checkpoint committed with the graph is. A consumer ahead of it is
        recreated; one behind it only redelivers what `apply` skips.
        """
        name = self._options.consumer_name
        try:
            info = await self._js.consumer_info(self.stream, name)
            ack_floor = int(info.ack_floor.stream_seq or 0) if info.ack_floor else 0
            delivered = int(info.delivered.stream_seq or 0) if info.delivered else 0
            if ack_floor <= checkpoint and delivered <= checkpoint:
                return
            await self._js.delete_consumer(self.stream, name)
            self._log.info("consumer_repositioned", ack_floor=ack_floor, checkpoint=checkpoint)
        except nats.js.errors.NotFoundError:
            pass
        await self._js.add_consumer(
            self.stream,
            ConsumerConfig(
                durable_name=name,
                ack_policy=AckPolicy.ALL,
                deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                opt_start_seq=checkpoint + 1,
                max_ack_pending=-1,
                ack_wait=60.0,
                max_waiting=8,
            ),
        )

    async def run(self, stop: asyncio.Event, *, until_seq: int | None = None) -> None:
        """Project until `stop` is set, or once the checkpoint reaches `until_seq` if given.

        A task pulls and decodes ahead (`read_ahead`) while the transactions apply what it read.
        An empty stream (a branch just created) gets its consumer once its first message comes
        (`first_message`)."""
        if until_seq is None and not await until_first_message(
            self._nc, self.stream, self._names.branch_subjects(self.branch_id), stop, recheck_s=self._options.idle_wait_s
        ):
            return
        checkpoint = await self._projection.checkpoint(self.stream)
        self.status.checkpoint = checkpoint
        await self._prepare_consumer(checkpoint)
        puller = RawPuller(self._nc, self.stream, self._options.consumer_name)
        backlog = DecodedBacklog(2 * self._options.max_events_per_tx)
        reader = asyncio.create_task(self._read_ahead(puller, backlog, stop))
        self._log.info("stream_worker_started", checkpoint=checkpoint)
        try:
            while not stop.is_set():
                if until_seq is not None and self.status.checkpoint >= until_seq:
                    return
                taken = await backlog.take(self._options.max_events_per_tx, reader)
                if not taken:
                    return  # the reader stopped (`stop` was set)
                await self._apply(taken)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
            await puller.close()

    async def _read_ahead(self, puller: RawPuller, backlog: DecodedBacklog, stop: asyncio.Event) -> None:
        assembler = BatchAssembler()
        while not stop.is_set():
            await backlog.wait_for_room()
            messages = await puller.pull(self._options.pull_batch, wait_s=self._options.idle_wait_s, stop=stop)
            for batch in assembler.feed(messages):
                backlog.put(batch, await self._decode(batch))
            if not messages:
                await self._refresh_lag()

    async def _decode(self, batch: RawBatch) -> ProjectionBatch:
        events: list[StoredEvent] = []
        for msg in batch.messages:
            try:
                events.append(stored_event_from_msg(msg))
            except NewerEventVersion:
                # never skip what a newer writer wrote: stop here until this projector is upgraded
                self._log.error("event_version_too_new", seq=stream_seq(msg))
                raise
            except DecodeError as exc:
                await self._dead_letters.put(self.branch_id, msg, exc.reason)
                self._log.error(
                    "event_dead_lettered",
                    seq=stream_seq(msg),
                    subject=msg.subject,
                    reason=exc.reason,
                )
        return ProjectionBatch(last_seq=batch.last_seq, events=tuple(events))

    async def _apply(self, taken: list[PendingBatch]) -> None:
        batches = [raw for raw, _ in taken]
        decoded = [batch for _, batch in taken]
        started = time.perf_counter()
        parent, links = _trace_origins(decoded)
        correlation_ids = sorted({e.correlation_id for b in decoded for e in b.events if e.correlation_id})
        with (
            _tracer.start_as_current_span("project_batch", context=parent, links=links) as span,
            structlog.contextvars.bound_contextvars(correlation_ids=correlation_ids),
        ):
            span.set_attribute("strata.stream", self.stream)
            span.set_attribute("strata.batches", len(decoded))
            if correlation_ids:
                span.set_attribute("strata.correlation_ids", correlation_ids)
            if self._make_stream is not None:
                for branch_id in _branches_created(decoded):
                    await self._make_stream(branch_id)
            while True:
                try:
                    checkpoint = await self._projection.apply(
                        self.stream, self.branch_id, decoded, hold_in_tx_s=self._options.hold_in_tx_s
                    )
                    break
                except OriginNotProjected as exc:
                    self._log.info("waiting_for_origin", reason=exc.message)
                    await asyncio.sleep(0.2)
            self._log.debug("batches_applied", checkpoint=checkpoint, batches=len(decoded))
        last = batches[-1].messages[-1]
        if last.reply:
            await self._nc.publish(last.reply, b"+ACK")
        self.status.checkpoint = checkpoint
        self.status.applied_events += sum(len(b.events) for b in decoded)
        self.status.last_apply_ms = (time.perf_counter() - started) * 1000
        pending = int(last.metadata.num_pending or 0)
        self.status.lag = pending
        await self._nc.publish(
            f"{self._names.projected_subject_prefix}.{self.branch_id}", str(checkpoint).encode()
        )

    async def _refresh_lag(self) -> None:
        now = time.monotonic()
        if now - self._lag_checked_at < 1.0:  # a quiet stream is asked about once a second
            return
        self._lag_checked_at = now
        try:
            info = await self._js.stream_info(self.stream)
        except (nats.js.errors.NotFoundError, nats.errors.TimeoutError):
            return
        self.status.last_seq = int(info.state.last_seq)
        self.status.lag = max(0, self.status.last_seq - self.status.checkpoint)


def _branches_created(decoded: list[ProjectionBatch]) -> list[str]:
    return [e.event.branch_id for b in decoded for e in b.events if isinstance(e.event, BranchCreated)]


def _trace_origins(decoded: list[ProjectionBatch]) -> tuple[Context | None, list[Link]]:
    """The projection of a lone traced mutation continues its trace (the span is a child of the
    append); a transaction folding several traced mutations links to each of them instead."""
    parents: dict[str, None] = {}
    for batch in decoded:
        for event in batch.events:
            if event.traceparent:
                parents[event.traceparent] = None
    contexts = [context_from_headers({"traceparent": tp}) for tp in parents]
    if len(contexts) == 1:
        return contexts[0], []
    links = []
    for ctx in contexts:
        span_context = trace.get_current_span(ctx).get_span_context()
        if span_context.is_valid:
            links.append(Link(span_context))
    return None, links
