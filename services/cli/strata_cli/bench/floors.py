"""The raw floors a scenario is compared with, measured on the same events in the same run:
a bare atomic-batch publish of the events Strata appended, and a bare UNWIND write of the
version rows they fold into."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Sequence

import msgspec
from nats.aio.client import Client
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError
from neo4j import AsyncDriver

from strata_events import MutationCommitted, encode_event
from strata_eventstore.batch_publish import BatchMessage, publish_atomic_batch
from strata_eventstore.records import StoredEvent
from strata_graph import cypher
from strata_graph.folding import fold_versions
from strata_mutations import NodeEvent

__all__ = ["mutations_of", "raw_publish_ms", "raw_publish_seconds", "raw_unwind_seconds"]

_DELETE_SOME = "MATCH (r:Rec {branch: $branch}) WITH r LIMIT 10000 DETACH DELETE r RETURN count(*) AS n"


def mutations_of(events: Sequence[StoredEvent]) -> list[list[StoredEvent]]:
    """The stored events grouped per mutation (each group ends with its head message)."""
    groups: list[list[StoredEvent]] = [[]]
    for event in events:
        groups[-1].append(event)
        if isinstance(event.event, MutationCommitted):
            groups.append([])
    return [g for g in groups if g]


async def raw_publish_seconds(nc: Client, groups: Sequence[Sequence[StoredEvent]]) -> float:
    """Seconds to publish the same payloads as the same atomic batches into a bare stream
    (no OCC header, no event building): the floor of an append."""
    return sum(await raw_publish_ms(nc, groups)) / 1000


async def raw_publish_ms(nc: Client, groups: Sequence[Sequence[StoredEvent]], *, read_head: bool = False) -> list[float]:
    """The milliseconds of each batch of `raw_publish_seconds`; with `read_head`, each after a
    read of the bare stream's last message (as a create reads main's head before it appends)."""
    name = f"RAWFLOOR{uuid.uuid4().hex[:8].upper()}"
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name=name, subjects=[f"{name.lower()}.>"], storage=StorageType.FILE,
                                     allow_atomic=True))  # fmt: skip
    batches = [
        [(f"{name.lower()}.{i}", encode_event(e.event), {}) for i, e in enumerate(group)] for group in groups
    ]  # type: list[list[BatchMessage]]
    latencies = []
    for batch in batches:
        started = time.perf_counter()
        if read_head:
            with contextlib.suppress(NotFoundError):  # the first batch finds the stream empty
                await js.get_last_msg(name, batch[-1][0])
        answer = await publish_atomic_batch(nc, batch)
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.get("error"):
            raise RuntimeError(f"raw publish failed: {answer['error']}")
    await js.delete_stream(name)
    return latencies


async def raw_unwind_seconds(driver: AsyncDriver, database: str, groups: Sequence[Sequence[StoredEvent]]) -> float:
    """Seconds to write the version rows the same events fold into with a bare UNWIND CREATE,
    one write per mutation, under a scratch branch name (removed after): the floor of projection."""
    changes: list[tuple[int, NodeEvent]] = []
    for group in groups:
        head = group[-1].seq
        node_events = [(head, e.event) for e in group if not isinstance(e.event, MutationCommitted)]
        changes += node_events  # type: ignore[arg-type]  # only node events reach a data mutation
    rows = [msgspec.to_builtins(r) for r in fold_versions({}, changes)]
    branch = f"rawfloor-{uuid.uuid4().hex[:8]}"
    size = max(1, len(rows) // max(1, len(groups)))
    started = time.perf_counter()
    for start in range(0, len(rows), size):
        await driver.execute_query(cypher.CREATE_RECORDS, rows=rows[start : start + size], branch=branch, database_=database)
    elapsed = time.perf_counter() - started
    while True:
        records, _, _ = await driver.execute_query(_DELETE_SOME, branch=branch, database_=database)
        if not records[0]["n"]:
            return elapsed
