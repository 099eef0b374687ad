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
from nats.aio.msg import Msg
from nats.js.kv import KeyValue

from strata_eventstore import EventStore
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
        self._interval = discover_interval_s
        self._workers: dict[str, tuple[StreamWorker, asyncio.Task[None]]] = {}
        self._published: dict[str, bytes] = {}  # the status last put per branch
        self._stop: asyncio.Event | None = None

    @property
    def workers(self) -> dict[str, StreamWorker]:
        return {bid: worker for bid, (worker, _) in self._workers.items()}

    async def run(self, stop: asyncio.Event) -> None:
        await self._projection.ensure_schema()
        await self._dead_letters.ensure_stream()
        self._stop = stop
        sub = await self._nc.subscribe("$JS.EVENT.ADVISORY.STREAM.CREATED.>", cb=self._on_advisory)
        try:
            while not stop.is_set():
                await self._discover(stop)
                await self._publish_status()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._interval)
        finally:
            await sub.unsubscribe()
            for _, task in self._workers.values():
                task.cancel()
            await asyncio.gather(*(t for _, t in self._workers.values()), return_exceptions=True)

    async def _on_advisory(self, msg: Msg) -> None:
        branch_id = self._store.names.branch_id_of_stream(msg.subject.rpartition(".")[2])
        if branch_id is None or self._stop is None:
            return
        if branch_id not in self._workers:  # its status is put at the next round
            self._start_worker(branch_id, self._stop)

    async def _discover(self, stop: asyncio.Event) -> None:
        for branch_id, (_, task) in list(self._workers.items()):
            if task.done():
                exc = task.exception() if not task.cancelled() else None
                if exc is not None:
                    _log.error("stream_worker_failed", branch_id=branch_id, error=repr(exc))
                del self._workers[branch_id]
        listed = await self._store.branch_ids_if_reachable()  # None: the workers found go on
        for branch_id in listed or ():
            if branch_id not in self._workers:
                self._start_worker(branch_id, stop)

    def _start_worker(self, branch_id: str, stop: asyncio.Event) -> None:
        worker = StreamWorker(self._nc, self._store.names, self._projection, self._dead_letters, branch_id,
                              self._options, make_stream=self._store.ensure_branch_stream)  # fmt: skip
        self._workers[branch_id] = (worker, asyncio.create_task(worker.run(stop)))
        _log.info("stream_discovered", branch_id=branch_id, stream=worker.stream)

    async def _publish_status(self) -> None:
        if self._status_kv is None:
            return
        for branch_id, (worker, _) in list(self._workers.items()):
            status = msgspec.json.encode(worker.status)
            if self._published.get(branch_id) == status:
                continue
            with contextlib.suppress(Exception):
                await self._status_kv.put(f"projector.{branch_id}", status)
                self._published[branch_id] = status
