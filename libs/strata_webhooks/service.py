"""The worker's webhook side: the feed fan-out plus one delivery loop per active webhook.

Loops are started and stopped as webhooks come, go, or are switched off; a deleted webhook's
pending deliveries are dropped, a switched-off one's wait until it is switched on again.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from nats.js import JetStreamContext
from neo4j import AsyncDriver

from strata_eventstore import StreamNames
from strata_feed.contract import FeedNames

from .directory import WebhookDirectory
from .endpoint import EndpointWorker
from .fanout import FeedFanout
from .options import WebhookOptions
from .queue import DeliveryQueue
from .records import DeliveryLog, token

__all__ = ["WebhookService"]

_log = structlog.get_logger("strata.webhooks")
_RESTART_DELAY_S = 2.0


class WebhookService:
    def __init__(self, js: JetStreamContext, driver: AsyncDriver, database: str, prefix: str,
                 options: WebhookOptions | None = None, replicas: int = 1) -> None:
        self._js = js
        self._names = StreamNames(prefix=prefix)
        self._feed = FeedNames(prefix=prefix)
        self._options = options or WebhookOptions()
        self._replicas = replicas
        self.directory = WebhookDirectory(driver, database, self._options.directory_max_age_s)
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._known: set[str] | None = None  # tokens of the webhooks seen last pass
        self.ready = asyncio.Event()  # set once the feed consumer exists (tests wait for it)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: a failure (NATS or Neo4j away) is logged and everything starts again;
        what was not acknowledged is taken up again from the durable consumers."""
        while not stop.is_set():
            try:
                await self._run_once(stop)
            except Exception as exc:  # noqa: BLE001 - top-level loop of the webhook side: log, wait, start again
                _log.error("webhooks_crashed", error=repr(exc), exc_info=exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=_RESTART_DELAY_S)

    async def _run_once(self, stop: asyncio.Event) -> None:
        queue = await DeliveryQueue.open(self._js, self._names, self._replicas)
        log = await DeliveryLog.open(self._js, self._names, self._replicas)
        fanout = FeedFanout(self._js, self._feed, self.directory, queue, log, self._options.ack_wait_s)
        in_flight = asyncio.Semaphore(self._options.total_concurrency)
        fanout_task = asyncio.create_task(fanout.run(stop))
        ready_task = asyncio.create_task(self._signal_ready(fanout))
        _log.info("webhooks_started", feed_stream=self._feed.stream)
        try:
            while not stop.is_set():
                await self._reconcile(queue, log, in_flight)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.directory.changed.wait(), timeout=1.0)
                if fanout_task.done():
                    fanout_task.result()  # re-raise what ended it
                    break
        finally:
            for task in [fanout_task, ready_task, *self._workers.values()]:
                task.cancel()
            await asyncio.gather(fanout_task, ready_task, *self._workers.values(), return_exceptions=True)
            self._workers.clear()
            self.directory.invalidate()

    async def _signal_ready(self, fanout: FeedFanout) -> None:
        await fanout.ready.wait()
        self.ready.set()

    async def _reconcile(self, queue: DeliveryQueue, log: DeliveryLog, in_flight: asyncio.Semaphore) -> None:
        self.directory.changed.clear()
        hooks = await self.directory.all()
        active = {uid for uid, hook in hooks.items() if hook.active}
        for uid in list(self._workers):
            if uid not in active:
                self._workers.pop(uid).cancel()
        tokens = {token(uid) for uid in hooks}
        if self._known is None:  # first pass: also the webhooks deleted while no worker ran
            self._known = await queue.webhook_tokens()
        for gone in sorted(self._known - tokens):
            await queue.drop(gone)
            _log.info("webhook_dropped", webhook_token=gone)
        self._known = tokens
        for uid in sorted(active - set(self._workers)):
            worker = EndpointWorker(uid, queue, log, self.directory, self._options, in_flight)
            self._workers[uid] = asyncio.create_task(worker.run(), name=f"webhook-{uid}")
        for uid, task in list(self._workers.items()):
            if task.done() and not task.cancelled() and task.exception() is not None:
                _log.error("webhook_worker_ended", webhook_id=uid, error=repr(task.exception()))
                del self._workers[uid]  # restarted on the next pass
