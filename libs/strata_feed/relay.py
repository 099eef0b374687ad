"""The feed relay: branch streams → the public change feed, only once the projector applied them.

One durable consumer per branch stream (found like the projector finds them: at start, on
stream-created advisories, by periodic listing). For each page of stored events the relay
waits until the read model's checkpoint covers the page, publishes the page's feed events,
then acknowledges it. Nothing acknowledged is lost; a restart re-publishes at most the last
unacknowledged page, whose duplicates the feed stream's dedupe window absorbs (ids are stable).

The relay is its own component (house rule 9: projectors never publish).
"""

from __future__ import annotations

import asyncio

import msgspec
import nats.errors
import nats.js.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from strata_core.errors import StoreUnavailable
from strata_events import BranchCreated, BranchRebased, DecodeError, EventHeaders, NewerEventVersion, SchemaLoaded
from strata_eventstore import EventStore
from strata_eventstore.ack_reply import stream_seq
from strata_eventstore.branch_stream_tasks import BranchStreamTasks
from strata_eventstore.first_message import until_first_message
from strata_eventstore.raw_pull import RawPuller
from strata_eventstore.store import stored_event_from_msg
from strata_feed.branch_catalog import BranchCatalog
from strata_feed.contract import FeedEvent, FeedNames
from strata_feed.feed_stream import FeedPublisher
from strata_feed.mapping import SourceEvent, feed_events
from strata_service.consistency import ProjectionWaiter

__all__ = ["BranchRelay", "FeedRelay", "RelayOptions"]

_log = structlog.get_logger("strata.feed")


class RelayOptions(msgspec.Struct, frozen=True, kw_only=True):
    consumer_name: str = "feed"
    page: int = 500
    ack_wait_s: float = 300.0
    discover_interval_s: float = 2.0
    retry_delay_s: float = 1.0
    idle_wait_s: float = 30.0  # one pull of a caught-up stream; a new message ends it at once


class BranchRelay:
    """One branch stream → feed events."""

    def __init__(
        self,
        nc: Client,
        store: EventStore,
        catalog: BranchCatalog,
        waiter: ProjectionWaiter,
        publisher: FeedPublisher,
        branch_id: str,
        options: RelayOptions,
    ) -> None:
        self._nc = nc
        self._js = nc.jetstream()
        self._catalog = catalog
        self._waiter = waiter
        self._publisher = publisher
        self.branch_id = branch_id
        self.stream = store.names.stream(branch_id)
        self._subjects = store.names.branch_subjects(branch_id)
        self._options = options
        self.relayed_seq = 0  # last stream sequence whose feed events are published
        self._log = _log.bind(stream=self.stream, branch_id=branch_id)

    async def _prepare_consumer(self) -> None:
        """(Re)create the durable consumer just after its acknowledged floor.

        Messages delivered but not acknowledged before a restart would only come back after
        `ack_wait`, behind newer ones; starting again from the floor keeps the order and
        re-publishes them at once (the dedupe window absorbs what was already published).
        """
        name = self._options.consumer_name
        start = 1
        try:
            info = await self._js.consumer_info(self.stream, name)
            start = int(info.ack_floor.stream_seq or 0) + 1 if info.ack_floor else 1
            await self._js.delete_consumer(self.stream, name)
        except nats.js.errors.NotFoundError:
            pass
        await self._js.add_consumer(
            self.stream,
            ConsumerConfig(
                durable_name=name,
                ack_policy=AckPolicy.ALL,
                deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                opt_start_seq=start,
                max_ack_pending=-1,
                ack_wait=self._options.ack_wait_s,
                max_waiting=8,
            ),
        )
        self.relayed_seq = start - 1
        self._log.info("feed_consumer_positioned", start_seq=start)

    async def run(self, stop: asyncio.Event) -> None:
        # an empty stream (a branch just created) gets its consumer with its first message
        if not await until_first_message(self._nc, self.stream, self._subjects, stop, recheck_s=self._options.idle_wait_s):
            return
        await self._prepare_consumer()
        puller = RawPuller(self._nc, self.stream, self._options.consumer_name)
        self._log.info("feed_relay_started")
        try:
            while not stop.is_set():
                page = await puller.pull(self._options.page, wait_s=self._options.idle_wait_s, stop=stop)
                if not page:
                    continue
                fresh = [m for m in page if stream_seq(m) > self.relayed_seq]  # redeliveries are skipped
                if fresh and not await self._wait_projected(stream_seq(fresh[-1]), stop):
                    return  # stopping: nothing acknowledged, the page comes again
                events = [e for msg in fresh for e in await self._map(msg)]
                await self._publish(events, stop)
                if stop.is_set():
                    return
                if page[-1].reply:
                    await self._nc.publish(page[-1].reply, b"+ACK")
                self.relayed_seq = max(self.relayed_seq, stream_seq(page[-1]))
        finally:
            await puller.close()

    async def _wait_projected(self, seq: int, stop: asyncio.Event) -> bool:
        """True once the read model has applied `seq`; False when asked to stop first."""
        while not stop.is_set():
            try:
                await self._waiter.wait(self.branch_id, seq, 5.0)
                return True
            except StoreUnavailable:
                self._log.info("feed_waiting_for_projection", seq=seq)
        return False

    async def _publish(self, events: list[FeedEvent], stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._publisher.publish(events)
                return
            except (nats.errors.Error, nats.js.errors.Error, TimeoutError) as exc:
                self._log.warning("feed_publish_failed", error=repr(exc), events=len(events))
                await asyncio.sleep(self._options.retry_delay_s)

    async def _map(self, msg: Msg) -> list[FeedEvent]:
        try:
            stored = stored_event_from_msg(msg)
        except NewerEventVersion:
            self._log.error("event_version_too_new", seq=stream_seq(msg))
            raise  # never skip what a newer writer wrote
        except DecodeError as exc:
            # the projector dead-letters it; the feed has nothing to tell
            self._log.warning("feed_event_undecodable", seq=stream_seq(msg), reason=exc.reason)
            return []
        event = stored.event
        if isinstance(event, BranchCreated):
            self._catalog.learn(event.branch_id, event.name)
        if isinstance(event, SchemaLoaded | BranchRebased):
            self._catalog.forget_schema(self.branch_id)
        headers = msg.headers or {}
        source = SourceEvent(
            branch_id=self.branch_id,
            branch=await self._catalog.name(self.branch_id),
            seq=stored.seq,
            event=event,
            occurred_at=headers.get(EventHeaders.OCCURRED_AT) or stored.time.isoformat(),
            actor=stored.actor,
            mutation_id=stored.mutation_id,
            correlation_id=headers.get(EventHeaders.CORRELATION_ID),
        )
        secrets = await self._catalog.secrets(self.branch_id)
        return feed_events(
            source,
            is_secret=lambda kind, name: (kind, name) in secrets,
            branch_name=self._catalog.cached_name,
        )


class FeedRelay:
    """Finds branch streams and runs one BranchRelay per stream."""

    def __init__(
        self,
        nc: Client,
        store: EventStore,
        catalog: BranchCatalog,
        waiter: ProjectionWaiter,
        names: FeedNames,
        options: RelayOptions,
    ) -> None:
        self._nc = nc
        self._store = store
        self._catalog = catalog
        self._waiter = waiter
        self.publisher = FeedPublisher(nc.jetstream(), names)
        self._options = options
        # a relay that failed starts again from its durable consumer
        self._tasks: BranchStreamTasks[BranchRelay] = BranchStreamTasks(
            nc, store, self._start, interval_s=options.discover_interval_s, log=_log, failed_event="feed_relay_failed"
        )

    @property
    def relays(self) -> dict[str, BranchRelay]:
        return {bid: relay for bid, (relay, _) in self._tasks.running.items()}

    async def run(self, stop: asyncio.Event) -> None:
        await self._tasks.run(stop)

    def _start(self, branch_id: str, stop: asyncio.Event) -> tuple[BranchRelay, asyncio.Task[None]]:
        relay = BranchRelay(self._nc, self._store, self._catalog, self._waiter, self.publisher,
                            branch_id, self._options)  # fmt: skip
        _log.info("feed_stream_discovered", branch_id=branch_id, stream=relay.stream)
        return relay, asyncio.create_task(relay.run(stop))

