"""Finds branch streams (at start, on stream-created advisories, and by periodic listing) and
runs one StreamWorker per stream; publishes the workers' status to the status KV bucket.

The work per new stream does not grow with the number of branches: an advisory names its
stream, so it starts that worker without listing every stream, and a status is published only
when it changed (with 1,000 branches, publishing all of them on every advisory and every tick
made the projector and nats-server the busiest processes of a branch create)."""

from __future__ import annotations

import asyncio
import contextlib

import msgspec
import structlog
from nats.aio.client import Client
from nats.js.kv import KeyValue

from strata_eventstore import EventStore
from strata_eventstore.branch_stream_tasks import BranchStreamTasks
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import StreamWorker, WorkerOptions

__all__ = ["ProjectorSupervisor"]

_log = structlog.get_logger("strata.projector")


class ProjectorSupervisor:
    def __init__(
        self,
        nc: Client,
        store: EventStore,
        projection: GraphProjection,
        dead_letters: DeadLetters,
        options: WorkerOptions,
        status_kv: KeyValue | None = None,
        discover_interval_s: float = 2.0,
    ) -> None:
        self._nc = nc
        self._store = store
        self._projection = projection
        self._dead_letters = dead_letters
        self._options = options
        self._status_kv = status_kv
        self._published: dict[str, bytes] = {}  # the status last put per branch
        # a new worker's status is put at the next round
        self._tasks: BranchStreamTasks[StreamWorker] = BranchStreamTasks(
            nc, store, self._start_worker, interval_s=discover_interval_s, log=_log,
            failed_event="stream_worker_failed", after_round=self._publish_status,
        )  # fmt: skip

    @property
    def workers(self) -> dict[str, StreamWorker]:
        return {bid: worker for bid, (worker, _) in self._tasks.running.items()}

    async def run(self, stop: asyncio.Event) -> None:
        await self._projection.ensure_schema()
        dropped = await self._projection.drop_superseded_indexes()
        if dropped:
            _log.info("superseded_indexes_dropped", names=dropped)
        await self._dead_letters.ensure_stream()
        await self._tasks.run(stop)

    def _start_worker(self, branch_id: str, stop: asyncio.Event) -> tuple[StreamWorker, asyncio.Task[None]]:
        worker = StreamWorker(self._nc, self._store.names, self._projection, self._dead_letters, branch_id,
                              self._options, make_stream=self._store.ensure_branch_stream)  # fmt: skip
        _log.info("stream_discovered", branch_id=branch_id, stream=worker.stream)
        return worker, asyncio.create_task(worker.run(stop))

    async def _publish_status(self) -> None:
        if self._status_kv is None:
            return
        for branch_id, worker in self.workers.items():
            status = msgspec.json.encode(worker.status)
            if self._published.get(branch_id) == status:
                continue
            with contextlib.suppress(Exception):
                await self._status_kv.put(f"projector.{branch_id}", status)
                self._published[branch_id] = status
