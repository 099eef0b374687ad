"""`GET /metrics`: Prometheus text exposition. Projector lag and consumer pending counts are read
from JetStream and the graph when scraped, at most once per `_REFRESH_S` (scrapers may be many)."""

from __future__ import annotations

import asyncio
import time

import structlog
from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from strata_api.resources import Resources
from strata_core.metrics import (
    CONSUMER_ACK_PENDING,
    CONSUMER_PENDING,
    PROJECTOR_CHECKPOINT,
    PROJECTOR_LAG,
    STREAM_LAST_SEQ,
)
from strata_projection.lag import read_lag

__all__ = ["LagGauges", "metrics_routes"]

_REFRESH_S = 2.0
_log = structlog.get_logger("strata.api")


class LagGauges:
    """The stream and consumer gauges, refreshed at most once per `_REFRESH_S` (one per app)."""

    def __init__(self) -> None:
        self._refreshed_at = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self, resources: Resources) -> None:
        async with self._lock:
            if time.monotonic() - self._refreshed_at < _REFRESH_S:
                return
            try:
                lags = await read_lag(resources.store, resources.driver, resources.settings.neo4j_database)
            except Exception as exc:  # noqa: BLE001  # a scrape answers with what it has
                _log.warning("metrics_lag_unavailable", error=repr(exc))
                return
            for gauge in (STREAM_LAST_SEQ, PROJECTOR_CHECKPOINT, PROJECTOR_LAG, CONSUMER_PENDING, CONSUMER_ACK_PENDING):
                gauge.clear()  # streams that went away must not linger
            for lag in lags:
                STREAM_LAST_SEQ.labels(stream=lag.stream).set(lag.last_seq)
                PROJECTOR_CHECKPOINT.labels(stream=lag.stream).set(lag.checkpoint)
                PROJECTOR_LAG.labels(stream=lag.stream).set(lag.lag)
                for consumer in lag.consumers:
                    CONSUMER_PENDING.labels(stream=lag.stream, consumer=consumer.name).set(consumer.pending)
                    CONSUMER_ACK_PENDING.labels(stream=lag.stream, consumer=consumer.name).set(consumer.ack_pending)
            self._refreshed_at = time.monotonic()


@get("/metrics", include_in_schema=False)
async def metrics(state: State) -> Response[bytes]:
    gauges: LagGauges = state["lag_gauges"]
    await gauges.refresh(state["resources"])
    return Response(content=generate_latest(), media_type=CONTENT_TYPE_LATEST)


metrics_routes = [metrics]
