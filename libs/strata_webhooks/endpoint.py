"""One webhook's delivery loop: its own durable consumer, a few deliveries at a time, retries
with backoff. Nothing here waits on another endpoint: the only shared limit is the total
number of HTTP requests in flight, taken for one attempt and released before any backoff."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import msgspec
import structlog
from nats.aio.msg import Msg

from .directory import WebhookDirectory
from .message import body_of
from .options import WebhookOptions, backoff_delay
from .queue import DeliveryQueue, PendingDelivery
from .records import Attempt, DeliveryLog, DeliveryRecord, now_iso
from .sender import send_once

__all__ = ["EndpointWorker"]

_log = structlog.get_logger("strata.webhooks")
_FETCH_TIMEOUT_S = 1.0  # how long one pull request waits (and lives on the server)


class EndpointWorker:
    def __init__(
        self,
        webhook_id: str,
        queue: DeliveryQueue,
        log: DeliveryLog,
        directory: WebhookDirectory,
        options: WebhookOptions,
        in_flight: asyncio.Semaphore,
    ) -> None:
        self.webhook_id = webhook_id
        self._queue = queue
        self._log = log
        self._directory = directory
        self._options = options
        self._in_flight = in_flight
        self._slots = asyncio.Semaphore(options.per_endpoint_concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._working: set[str] = set()  # delivery ids being worked on here

    async def run(self) -> None:
        """Until cancelled: take this webhook's pending deliveries and work on each in a task."""
        sub = await self._queue.subscribe(self.webhook_id, self._options.ack_wait_s,
                                          self._options.per_endpoint_concurrency)
        try:
            while True:
                await self._slots.acquire()
                try:
                    msgs = await sub.fetch(1, timeout=_FETCH_TIMEOUT_S)
                except TimeoutError:  # nats-py's own, or asyncio's when a late answer beats the deadline
                    self._slots.release()
                    continue
                except BaseException:
                    self._slots.release()
                    raise
                task = asyncio.create_task(self._work(msgs[0]))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            for task in list(self._tasks):
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*self._tasks, return_exceptions=True)
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def _work(self, msg: Msg) -> None:
        try:
            await self._deliver(msg)
        except asyncio.CancelledError:
            # Handed back (the worker stops or restarts): the next worker continues from the
            # record's attempts instead of waiting out ack_wait, which the heartbeat kept pushing
            # back. Redelivered only after this worker's last pull request has expired, which
            # would otherwise take it to an inbox nobody reads. Should the nak not reach the
            # server, ack_wait still redelivers it.
            with contextlib.suppress(Exception):
                await msg.nak(delay=_FETCH_TIMEOUT_S + 1.0)
            raise
        except Exception as exc:  # noqa: BLE001 - one delivery's fault must not end the endpoint's loop
            _log.error("webhook_delivery_crashed", webhook_id=self.webhook_id, error=repr(exc))
        finally:
            self._slots.release()

    async def _deliver(self, msg: Msg) -> None:
        try:
            pending = msgspec.json.decode(msg.data, type=PendingDelivery)
        except msgspec.DecodeError as exc:
            _log.error("webhook_pending_undecodable", webhook_id=self.webhook_id, error=str(exc))
            await msg.term()
            return
        if pending.id in self._working:
            return  # redelivered while this worker still works on it: that task acknowledges
        self._working.add(pending.id)
        heartbeat = asyncio.create_task(self._heartbeat(msg))
        try:
            await self._attempts(pending)
            await msg.ack()
        finally:
            heartbeat.cancel()
            self._working.discard(pending.id)

    async def _attempts(self, pending: PendingDelivery) -> None:
        """Attempts until delivered or given up, each one recorded; continues a record's count."""
        record = await self._log.get(pending.webhook_id, pending.id) or DeliveryRecord.new(
            pending.id, pending.webhook_id, pending.event)
        body = body_of(pending.event)
        await _wait_for_retry(record)
        while record.state == "pending":
            spec = await self._directory.get(pending.webhook_id)
            if spec is None:
                record.state = "failed"
                record.attempts.append(Attempt(number=len(record.attempts) + 1, at=now_iso(), duration_ms=0.0,
                                               error="the webhook was deleted"))
                break
            number = len(record.attempts) + 1
            at = now_iso()
            async with self._in_flight:
                outcome = await send_once(spec, pending.id, body, self._options.timeout_s)
            delay: float | None = None
            if outcome.ok:
                record.state = "delivered"
            elif number >= self._options.max_attempts:
                record.state = "failed"
            else:
                delay = backoff_delay(self._options, number)
            next_at = (datetime.now(UTC) + timedelta(seconds=delay)).isoformat() if delay is not None else None
            record.attempts.append(Attempt(number=number, at=at, duration_ms=outcome.duration_ms,
                                           status_code=outcome.status_code, error=outcome.error,
                                           next_retry_at=next_at))
            await self._log.put(record)
            _log.info("webhook_attempt", webhook_id=pending.webhook_id, delivery_id=pending.id, attempt=number,
                      status_code=outcome.status_code, error=outcome.error, state=record.state)
            if delay is not None:
                await asyncio.sleep(delay)
        await self._log.put(record)

    async def _heartbeat(self, msg: Msg) -> None:
        """Tells JetStream the delivery is still being worked on (attempts and backoffs may
        outlast ack_wait), so it is not handed to another worker meanwhile."""
        beat = max(0.1, self._options.ack_wait_s / 4)
        while True:
            with contextlib.suppress(Exception):
                await msg.in_progress()
            await asyncio.sleep(beat)


async def _wait_for_retry(record: DeliveryRecord) -> None:
    """A delivery taken up again (after a worker stopped) keeps the backoff its last failed
    attempt scheduled: a restart never hurries the retries of a failing endpoint."""
    if record.state != "pending" or not record.attempts or record.attempts[-1].next_retry_at is None:
        return
    due = datetime.fromisoformat(record.attempts[-1].next_retry_at)
    wait_s = (due - datetime.now(UTC)).total_seconds()
    if wait_s > 0:
        await asyncio.sleep(wait_s)
