"""The projector SIGKILLed at random points of a 10,000-event load, round after round: once
restarted and caught up, the graph equals a rebuild of the same streams from zero."""

from __future__ import annotations

import asyncio
import random
import uuid
from pathlib import Path

import msgspec
import pytest
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_graph.maintenance import graph_digest, wipe_graph
from strata_graph.projection import GraphProjection
from strata_projection.dead_letters import DeadLetters
from strata_projection.stream_worker import StreamWorker, WorkerOptions
from tests.faults.figures import Figures, fault_rounds
from tests.faults.projector_process import ProjectorProcess, wait_checkpoint
from tests.integration.eventgen import append_workload

pytestmark = [pytest.mark.integration, pytest.mark.faults]

MUTATIONS, PER_MUTATION = 100, 100  # 10,000 events (+100 head messages) per round
ROUNDS = fault_rounds()


async def _rebuild(nc: Client, driver: AsyncDriver, names: StreamNames, end: int) -> str:
    """Wipe the graph and project the stream again from its first event, in this process."""
    await wipe_graph(driver, "neo4j")
    js = nc.jetstream()
    await js.delete_consumer(names.stream("main"), "projector")
    projection = GraphProjection(driver, "neo4j")
    await projection.ensure_schema()
    dead = DeadLetters(js, names)
    await dead.ensure_stream()
    worker = StreamWorker(nc, names, projection, dead, "main", WorkerOptions())
    await asyncio.wait_for(worker.run(asyncio.Event(), until_seq=end), timeout=180)
    return await graph_digest(driver, "neo4j")


async def _one_round(
    nc: Client, driver: AsyncDriver, settings: Settings, rng: random.Random, log: Path
) -> tuple[int, list[int]]:
    prefix = f"K{uuid.uuid4().hex[:10].upper()}"
    names = StreamNames(prefix=prefix)
    store = EventStore(nc, names)
    await store.ensure_branch_stream("main")
    await wipe_graph(driver, "neo4j")
    end = MUTATIONS * (PER_MUTATION + 1)
    stream = names.stream("main")
    round_settings = msgspec.structs.replace(settings, stream_prefix=prefix)
    # a short hold inside each transaction in some rounds makes a kill inside an open one likely
    hold = rng.choice(["0", "0.05"])
    # small transactions: the projection moves in many steps, so a kill can land between them
    projector = ProjectorProcess(round_settings, log, STRATA_PROJECTOR_HOLD_IN_TX_S=hold,
                                 STRATA_PROJECTOR_MAX_EVENTS_PER_TX="500")  # fmt: skip
    load = asyncio.create_task(
        append_workload(store, "main", mutations=MUTATIONS, per_mutation=PER_MUTATION, seed=rng.getrandbits(32))
    )
    killed_at: list[int] = []
    projector.start()
    try:
        for _ in range(rng.randint(1, 3)):
            # a random point of the projection's progress, plus a random instant after it
            target = max(1, int(end * rng.uniform(0.05, 0.9)))
            if killed_at and target <= killed_at[-1]:
                if killed_at[-1] >= end:
                    break  # the last kill came after the whole load was projected: no later point
                target = killed_at[-1] + 1
            await wait_checkpoint(driver, stream, target, timeout=120)
            await asyncio.sleep(rng.uniform(0, 0.08))
            projector.kill()
            killed_at.append(await GraphProjection(driver, "neo4j").checkpoint(stream))
            projector.start()
        await load
        assert await store.last_seq("main") == end
        await wait_checkpoint(driver, stream, end, timeout=180)
    finally:
        projector.stop()
        if not load.done():
            load.cancel()
    live = await graph_digest(driver, "neo4j")
    assert await _rebuild(nc, driver, names, end) == live, f"graph differs from a rebuild after kills at {killed_at}"
    return end, killed_at


@pytest.mark.timeout(120 + 90 * ROUNDS)
async def test_projector_killed_at_random_points_converges_to_the_rebuilt_graph(
    nc: Client, neo4j_driver: AsyncDriver, settings: Settings, tmp_path: Path, figures: Figures
) -> None:
    rng = random.Random()
    seed = rng.getrandbits(32)
    rng.seed(seed)
    for round_no in range(ROUNDS):
        figures.rounds_run += 1
        end, killed_at = await _one_round(nc, neo4j_driver, settings, rng, tmp_path / "projector.log")
        assert any(0 < k < end for k in killed_at), f"round {round_no} (seed {seed}): no kill landed mid-load"
        figures.rounds_survived += 1
        figures.mutations_checked += MUTATIONS
    figures.notes.append(f"projector kills: {ROUNDS} rounds of {MUTATIONS * PER_MUTATION} events (seed {seed})")
