"""`strata worker`: settings are read and everything is wired here."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import msgspec
import nats
import nats.errors
import structlog
from strata_graph.driver import open_driver

from strata_core.gc_pause import raise_collection_threshold
from strata_core.logging_setup import configure_logging
from strata_core.settings import Settings
from strata_core.tracing import configure_tracing
from strata_eventstore import StreamNames
from strata_eventstore.connection import connect_nats
from strata_feed.wiring import run_feed_relay
from strata_tasks.queue import Task, TaskQueue, TaskState
from strata_webhooks.options import WebhookOptions
from strata_webhooks.service import WebhookService
from strata_worker.handlers import HANDLERS, HandlerContext

__all__ = ["run_worker"]

_log = structlog.get_logger("strata.worker")


async def _serve(settings: Settings) -> None:
    nc = await connect_nats(settings, max_reconnect_attempts=-1, name="strata-worker")
    driver = open_driver(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    feed_relay = asyncio.create_task(run_feed_relay(nc, driver, settings, stop))
    try:
        js = nc.jetstream()
        queue = await TaskQueue.open(js, StreamNames(prefix=settings.stream_prefix), settings.stream_replicas)
        sub = await js.pull_subscribe(f"{queue.subject_root}.>", durable="worker", stream=queue.stream)
        ctx = HandlerContext(driver, settings.neo4j_database)
        webhooks = WebhookService(js, driver, settings.neo4j_database, settings.stream_prefix,
                                  _webhook_options(settings), settings.stream_replicas)
        webhook_task = asyncio.create_task(webhooks.run(stop), name="webhooks")
        webhook_task.add_done_callback(_report_webhooks_end)
        _log.info("worker_started", handlers=sorted(HANDLERS))
        while not stop.is_set():
            try:
                msgs = await sub.fetch(1, timeout=1.0)
            except nats.errors.TimeoutError:
                continue
            for msg in msgs:
                try:
                    task = msgspec.json.decode(msg.data, type=Task)
                except msgspec.DecodeError as exc:
                    _log.error("task_undecodable", error=str(exc), subject=msg.subject)
                    await msg.term()
                    continue
                state = TaskState(id=task.id, type=task.type, state="running", updated_at="")
                await queue.set_state(state)
                handler = HANDLERS.get(task.type)
                try:
                    if handler is None:
                        raise LookupError(f"no handler for task type {task.type!r}")
                    state.result = await handler(ctx, task.params)
                    state.state = "done"
                except Exception as exc:  # noqa: BLE001 - the loop reports and goes on
                    state.state, state.error = "failed", repr(exc)
                    _log.error("task_failed", task_id=task.id, task_type=task.type, error=repr(exc))
                await queue.set_state(state)
                await msg.ack()
        await webhook_task
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await feed_relay
        with contextlib.suppress(Exception):
            await nc.close()
        await driver.close()


def _report_webhooks_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.error("webhooks_ended", error=repr(task.exception()))


def _webhook_options(settings: Settings) -> WebhookOptions:
    return WebhookOptions(max_attempts=settings.webhook_max_attempts, retry_base_s=settings.webhook_retry_base_s,
                          timeout_s=settings.webhook_timeout_s, ack_wait_s=settings.webhook_ack_wait_s)


def run_worker(settings: Settings) -> None:
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    configure_tracing("strata-worker", settings.otel_exporter, otlp_endpoint=settings.otel_endpoint)
    raise_collection_threshold()
    asyncio.run(_serve(settings))
