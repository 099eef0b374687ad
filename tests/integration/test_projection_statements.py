"""A projector transaction on main reads its checkpoint and the records it updates in one
statement: an update costs two statements (read, write), and folds as before; a batch
already applied writes nothing. A process that wrote the records it updates applies the batch in
one auto-commit statement, unless another one moved the checkpoint meanwhile."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from neo4j import AsyncDriver, AsyncManagedTransaction

from strata_events import AttributeValue, MutationCommitted, NodeCreated, NodeUpdated
from strata_eventstore.records import StoredEvent, nanos
from strata_graph.driver import read_records
from strata_graph.projection import GraphProjection, ProjectionBatch

pytestmark = pytest.mark.integration

_OPEN_AND_CLOSED = """
MATCH (r:Rec {uid: $uid, branch: 'main'})
RETURN r.from_seq AS from_seq, r.to_seq AS to_seq, r.attrs AS attrs ORDER BY r.from_seq
"""


def _batch(seq: int, *events: Any) -> ProjectionBatch:
    now = datetime.now(UTC)
    stored = [StoredEvent(seq=seq - len(events) + i, subject="s", event=e, stored_ns=nanos(now)) for i, e in enumerate(events)]
    head = StoredEvent(seq=seq, subject="h", event=MutationCommitted(mutation_id=uuid.uuid4().hex, event_count=len(events)),
                       stored_ns=nanos(now))  # fmt: skip
    return ProjectionBatch(last_seq=seq, events=(*stored, head))


async def test_an_update_on_main_is_two_statements_and_folds_as_before(
    neo4j_driver: AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    projection = GraphProjection(neo4j_driver, "neo4j")
    await projection.ensure_schema()
    stream = f"S{uuid.uuid4().hex[:8]}"
    uid = uuid.uuid4().hex
    created = NodeCreated(node_id=uid, kind="TestingThing", attributes={"name": AttributeValue(value="a")})
    assert await projection.apply(stream, "main", [_batch(2, created)]) == 2

    statements = _counting(monkeypatch)
    updated = NodeUpdated(node_id=uid, kind="TestingThing", attributes={"name": AttributeValue(value="b")})
    projection = GraphProjection(neo4j_driver, "neo4j")  # another process: it did not write the object
    assert await projection.apply(stream, "main", [_batch(4, updated)]) == 4
    assert len(statements) == 2, statements
    versions = await read_records(neo4j_driver, "neo4j", _OPEN_AND_CLOSED, uid=uid)
    assert [(v["from_seq"], v["to_seq"]) for v in versions] == [(2, 4), (4, 2**62)]
    assert msgspec.json.decode(versions[1]["attrs"])["name"]["value"] == "b"

    statements.clear()  # the same batch again: already applied, read only
    assert await projection.apply(stream, "main", [_batch(4, updated)]) == 4
    assert len(statements) == 1
    assert len(await read_records(neo4j_driver, "neo4j", _OPEN_AND_CLOSED, uid=uid)) == 2


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    statements: list[str] = []
    run = AsyncManagedTransaction.run

    async def counting_run(self: AsyncManagedTransaction, query: Any, *args: Any, **kwargs: Any) -> Any:
        statements.append(str(query))
        return await run(self, query, *args, **kwargs)

    monkeypatch.setattr(AsyncManagedTransaction, "run", counting_run)
    return statements


def _renamed(uid: str, name: str) -> NodeUpdated:
    return NodeUpdated(node_id=uid, kind="TestingThing", attributes={"name": AttributeValue(value=name)})


async def test_the_writer_of_the_records_applies_the_next_batch_in_one_statement_unless_the_checkpoint_moved(
    neo4j_driver: AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, other = GraphProjection(neo4j_driver, "neo4j"), GraphProjection(neo4j_driver, "neo4j")
    await writer.ensure_schema()
    stream, uid = f"S{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    created = NodeCreated(node_id=uid, kind="TestingThing", attributes={"name": AttributeValue(value="a")})
    assert await writer.apply(stream, "main", [_batch(2, created)]) == 2
    statements = _counting(monkeypatch)

    assert await writer.apply(stream, "main", [_batch(4, _renamed(uid, "b"))]) == 4
    assert statements == [], "no transaction: one auto-commit statement"
    coloured = NodeUpdated(node_id=uid, kind="TestingThing", attributes={"colour": AttributeValue(value="red")})
    assert await other.apply(stream, "main", [_batch(6, coloured)]) == 6  # moves the checkpoint
    statements.clear()
    # the writer's records are stale now: its statement writes nothing, and it applies the usual way
    assert await writer.apply(stream, "main", [_batch(8, _renamed(uid, "d"))]) == 8
    assert len(statements) == 2, statements
    assert await writer.apply(stream, "main", [_batch(6, coloured)]) == 8  # applied already
    versions = await read_records(neo4j_driver, "neo4j", _OPEN_AND_CLOSED, uid=uid)
    assert [(v["from_seq"], v["to_seq"]) for v in versions] == [(2, 4), (4, 6), (6, 8), (8, 2**62)]
    states = [msgspec.json.decode(v["attrs"]) for v in versions]
    assert [s["name"]["value"] for s in states] == ["a", "b", "b", "d"]
    assert states[-1]["colour"]["value"] == "red", "the other process's change is kept"
    statements.clear()
    assert await writer.apply(stream, "main", [_batch(10, _renamed(uid, "e"))]) == 10
    assert statements == [], "after its own write, the writer knows the records again"
    commits = await read_records(neo4j_driver, "neo4j", "MATCH (c:Commit {branch: 'main'}) WHERE c.seq IN [4, 10] RETURN c.seq AS seq")
    assert sorted(c["seq"] for c in commits) == [4, 10], "the one-statement path records its commits"


async def test_a_batch_updating_what_it_creates_goes_in_one_statement(
    neo4j_driver: AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk create gives a device back-references from the interfaces created after it, in
    the same batch: the device has no record before the batch, so the writer needs none."""
    writer = GraphProjection(neo4j_driver, "neo4j")
    await writer.ensure_schema()
    stream, known, device = f"S{uuid.uuid4().hex[:8]}", uuid.uuid4().hex, uuid.uuid4().hex
    first = NodeCreated(node_id=known, kind="TestingThing", attributes={"name": AttributeValue(value="a")})
    assert await writer.apply(stream, "main", [_batch(2, first)]) == 2
    statements = _counting(monkeypatch)
    created = NodeCreated(node_id=device, kind="TestingThing", attributes={"name": AttributeValue(value="dev")})
    batch = _batch(6, created, _renamed(device, "dev-1"), _renamed(known, "b"))
    assert await writer.apply(stream, "main", [batch]) == 6
    assert statements == [], "no transaction: one auto-commit statement"
    versions = await read_records(neo4j_driver, "neo4j", _OPEN_AND_CLOSED, uid=device)
    assert [(v["from_seq"], v["to_seq"]) for v in versions] == [(6, 2**62)]
    assert msgspec.json.decode(versions[0]["attrs"])["name"]["value"] == "dev-1"
    versions = await read_records(neo4j_driver, "neo4j", _OPEN_AND_CLOSED, uid=known)
    assert [(v["from_seq"], v["to_seq"]) for v in versions] == [(2, 6), (6, 2**62)]


async def test_the_rows_of_a_write_are_not_formatted_for_the_drivers_debug_log(
    neo4j_driver: AsyncDriver, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver formats a statement's parameters for its debug line whatever the log level:
    rows are passed as `UnloggedRows`, whose text is their count (else ~50 ms per 10,000)."""
    projection = GraphProjection(neo4j_driver, "neo4j")
    await projection.ensure_schema()
    uids = [uuid.uuid4().hex for _ in range(30)]
    created = [NodeCreated(node_id=u, kind="TestingThing", attributes={"name": AttributeValue(value=u)}) for u in uids]
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        assert await projection.apply(f"S{uuid.uuid4().hex[:8]}", "main", [_batch(31, *created)]) == 31
    runs = [r.getMessage() for r in caplog.records if " C: RUN " in r.getMessage()]
    assert any("<30 rows>" in line for line in runs), runs
    assert not any(uid in line for line in runs for uid in uids)
    stored = await read_records(neo4j_driver, "neo4j", "MATCH (r:Rec) WHERE r.uid IN $uids RETURN count(r) AS n", uids=uids)
    assert stored[0]["n"] == 30


async def test_the_list_parameters_of_a_read_are_not_formatted_for_the_drivers_debug_log(
    neo4j_driver: AsyncDriver, caplog: pytest.LogCaptureFixture
) -> None:
    uids = [uuid.uuid4().hex for _ in range(12)]
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        records = await read_records(neo4j_driver, "neo4j", "UNWIND $uids AS u RETURN count(u) AS n", uids=uids)
    assert records[0]["n"] == 12
    runs = [r.getMessage() for r in caplog.records if " C: RUN " in r.getMessage()]
    assert any("<12 rows>" in line for line in runs), runs
    assert not any(uid in line for line in runs for uid in uids)
