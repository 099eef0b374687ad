"""Folding the whole event log into a read model, shared by `rebuild`, `replay` and `verify`;
and a throw-away Neo4j to fold it into."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from neo4j import AsyncDriver

from strata_cli.cli_errors import CliArgumentError
from strata_cli.paths import StackPaths
from strata_cli.progress import Progress
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.connection import connect_nats
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import wipe_graph
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import StreamWorker, WorkerOptions
from strata_stack.nats_runtime import free_port
from strata_stack.neo4j_runtime import Neo4jConfig, ensure_neo4j_jars, start_neo4j, stop_neo4j, wait_for_bolt

__all__ = ["ProjectedLog", "project_log", "temporary_neo4j"]


class ProjectedLog(msgspec.Struct, frozen=True, kw_only=True):
    """What was folded: each branch stream up to which sequence (its end when the fold began)."""

    ends: dict[str, int]
    undecodable: int = 0

    @property
    def events(self) -> int:
        return sum(self.ends.values())  # streams refuse deletes: sequences are dense


class _CountingDeadLetters(DeadLetters):
    """For a side read model: undecodable messages are counted, not dead-lettered a second time
    (the live projector already did)."""

    def __init__(self, names: StreamNames) -> None:
        super().__init__(None, names)  # type: ignore[arg-type]  # never publishes
        self.count = 0

    async def ensure_stream(self) -> None:
        return None

    async def put(self, branch_id: str, msg: Msg, reason: str) -> None:
        self.count += 1


async def project_log(
    settings: Settings,
    driver: AsyncDriver,
    *,
    database: str = "neo4j",
    consumer_name: str,
    label: str,
    side_model: bool,
    wipe: bool = True,
) -> ProjectedLog:
    """Wipe the graph behind `driver` (unless `wipe` is False: then it goes on from its
    checkpoints), then project every branch stream to its current end.

    Nothing else may project into that graph meanwhile. A `side_model` (not the live read model)
    leaves the dead-letter stream alone. Progress goes to stderr.
    """
    nc = await connect_nats(settings)
    try:
        names = StreamNames(prefix=settings.stream_prefix)
        store = EventStore(nc, names)
        projection = GraphProjection(driver, database)
        if wipe:
            await wipe_graph(driver, database)
        await projection.ensure_schema()
        js = nc.jetstream()
        dead_letters = _CountingDeadLetters(names) if side_model else DeadLetters(js, names, settings.stream_replicas)
        await dead_letters.ensure_stream()
        ends = {b: await store.last_seq(b) for b in await store.branch_ids()}
        progress = Progress(label, total=sum(ends.values()))
        workers = [StreamWorker(nc, names, projection, dead_letters, b, WorkerOptions(consumer_name=consumer_name))
                   for b, end in ends.items() if end]  # fmt: skip
        for worker in workers:
            await _drop_consumer(nc, worker.stream, consumer_name)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(w.run(stop, until_seq=ends[w.branch_id])) for w in workers]
        try:
            while not all(t.done() for t in tasks):
                await asyncio.sleep(0.1)
                progress.advance(sum(w.status.checkpoint for w in workers) - progress.done)
            for task in tasks:
                task.result()
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            progress.advance(sum(w.status.checkpoint for w in workers) - progress.done)
            progress.finish()
            for worker in workers:
                await _drop_consumer(nc, worker.stream, consumer_name)
        undecodable = dead_letters.count if isinstance(dead_letters, _CountingDeadLetters) else 0
        return ProjectedLog(ends=ends, undecodable=undecodable)
    finally:
        await nc.close()


async def _drop_consumer(nc: Client, stream: str, name: str) -> None:
    try:
        await nc.jetstream().delete_consumer(stream, name)
    except nats.js.errors.NotFoundError:
        pass


@asynccontextmanager
async def temporary_neo4j(settings: Settings, *, heap: str = "1g", pagecache: str = "256m") -> AsyncIterator[AsyncDriver]:
    """A Neo4j of its own on a free loopback port, its store in a temporary directory removed
    afterwards (the JVM is tied to this process: it exits if we die)."""
    try:
        config = Neo4jConfig(home=Path(tempfile.gettempdir()), bolt_port=free_port(), heap=heap, pagecache=pagecache)
    except ValueError as exc:
        raise CliArgumentError(f"--neo4j-heap: {exc}") from exc
    paths = StackPaths(settings.data_path)
    lib = await asyncio.to_thread(ensure_neo4j_jars, paths.neo4j_pom_dir, paths.neo4j_lib)
    home = Path(tempfile.mkdtemp(prefix="strata-replay-neo4j-"))
    config = dataclasses.replace(config, home=home)
    proc = start_neo4j(config, lib, paths.neo4j_launcher)
    try:
        await asyncio.to_thread(wait_for_bolt, config.bolt_uri, 180, proc=proc, log_file=config.log_file)
        driver = open_driver_at(config.bolt_uri)
        try:
            yield driver
        finally:
            await driver.close()
    finally:
        await asyncio.to_thread(stop_neo4j, proc)
        shutil.rmtree(home, ignore_errors=True)
