"""`strata projector`: settings are read and everything is wired here, and only here."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import structlog
from strata_graph.driver import open_driver

from strata_core.gc_pause import raise_collection_threshold
from strata_core.logging_setup import configure_logging
from strata_core.settings import Settings
from strata_core.tracing import configure_tracing
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.connection import connect_nats
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_eventstore.status_bucket import open_status_bucket
from strata_projection.stream_worker import WorkerOptions
from strata_projection.supervisor import ProjectorSupervisor

__all__ = ["run_projector"]


async def _serve(settings: Settings, options: WorkerOptions) -> None:
    log = structlog.get_logger("strata.projector")
    driver = open_driver(settings)
    nc = await connect_nats(
        settings,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        name="strata-projector",
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        names = StreamNames(prefix=settings.stream_prefix)
        store = EventStore(nc, names, replicas=settings.stream_replicas)
        js = nc.jetstream()
        supervisor = ProjectorSupervisor(
            nc,
            store,
            GraphProjection(driver, settings.neo4j_database),
            DeadLetters(js, names, settings.stream_replicas),
            options,
            status_kv=await open_status_bucket(js, names, settings.stream_replicas),
        )
        log.info("projector_started", nats=settings.nats_url, neo4j=settings.neo4j_uri)
        await supervisor.run(stop)
    finally:
        with contextlib.suppress(Exception):
            await nc.drain()
        await driver.close()
        log.info("projector_stopped")


def run_projector(settings: Settings) -> None:
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    configure_tracing("strata-projector", settings.otel_exporter, otlp_endpoint=settings.otel_endpoint)
    raise_collection_threshold()
    asyncio.run(_serve(settings, WorkerOptions(consumer_name=settings.projector_name,
                                                max_events_per_tx=settings.projector_max_events_per_tx,
                                                hold_in_tx_s=settings.projector_hold_in_tx_s)))
