"""`strata rebuild`: drop the read model and fold every branch stream into it again."""

from __future__ import annotations

import asyncio
import sys

import nats
from strata_graph.driver import open_driver

from strata_cli.paths import StackPaths
from strata_cli.processes import is_running, read_pid
from strata_cli.progress import Progress
from strata_core.settings import Settings
from strata_eventstore.connection import connect_nats
from strata_eventstore import EventStore, StreamNames
from strata_graph.maintenance import graph_digest, wipe_graph
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import StreamWorker, WorkerOptions

__all__ = ["rebuild_read_model", "run_rebuild"]


async def rebuild_read_model(settings: Settings, *, consumer_name: str = "rebuild") -> str:
    """Wipe the graph, project every branch stream to its current end; returns the digest.

    The live projector must be stopped meanwhile (it would race for the same checkpoints).
    """
    nc = await connect_nats(settings)
    driver = open_driver(settings)
    try:
        names = StreamNames(prefix=settings.stream_prefix)
        store = EventStore(nc, names)
        projection = GraphProjection(driver, settings.neo4j_database)
        await wipe_graph(driver, settings.neo4j_database)
        await projection.ensure_schema()
        js = nc.jetstream()
        dead_letters = DeadLetters(js, names, settings.stream_replicas)
        await dead_letters.ensure_stream()
        branch_ids = await store.branch_ids()
        ends = {b: await store.last_seq(b) for b in branch_ids}
        progress = Progress("rebuild", total=sum(ends.values()))
        stop = asyncio.Event()
        options = WorkerOptions(consumer_name=consumer_name)
        workers = [StreamWorker(nc, names, projection, dead_letters, b, options) for b in branch_ids]
        for worker in workers:
            try:
                await js.delete_consumer(worker.stream, consumer_name)
            except nats.js.errors.NotFoundError:
                pass
        tasks = [asyncio.create_task(w.run(stop, until_seq=ends[w.branch_id])) for w in workers if ends[w.branch_id]]
        reported = 0
        while not all(t.done() for t in tasks):
            await asyncio.sleep(0.2)
            done = sum(w.status.checkpoint for w in workers)
            progress.advance(done - reported)
            reported = done
        for task in tasks:
            task.result()
        progress.advance(sum(w.status.checkpoint for w in workers) - reported)
        progress.finish()
        for worker in workers:
            await js.delete_consumer(worker.stream, consumer_name)
        return await graph_digest(driver, settings.neo4j_database)
    finally:
        await nc.close()
        await driver.close()


def run_rebuild(settings: Settings) -> int:
    projector_pid = read_pid(StackPaths(settings.data_path).pid_file("projector"))
    if is_running(projector_pid):
        print(f"strata rebuild: the dev projector (pid {projector_pid}) is running; stop it first",
              file=sys.stderr)  # fmt: skip
        return 2
    digest = asyncio.run(rebuild_read_model(settings))
    print(f"read model rebuilt; digest {digest}", file=sys.stderr)
    print(digest)
    return 0
