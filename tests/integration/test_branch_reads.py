"""The reads behind diff and merge answer what the records say: each object's record valid at an
early and at a late sequence, and a branch's own records, against an oracle over the same
histories written straight into Neo4j."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.branch_reads import branch_records_at, records_at_two
from strata_graph.projection import GraphProjection
from strata_graph.records import OPEN

pytestmark = pytest.mark.integration


def _histories(rng: random.Random, objects: int) -> dict[str, list[dict[str, Any]]]:
    """Each object's records: consecutive, never overlapping, the last open or closed (some
    objects are created late, changed many times, deleted, or deleted and gone)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for i in range(objects):
        uid = f"{i:03d}-{uuid.uuid4().hex[:8]}"
        seq, records = rng.randint(1, 30), []
        for version in range(rng.choice([1, 1, 2, 3, 6])):
            to_seq = seq + rng.randint(1, 12)
            records.append({"uid": uid, "kind": "TestingThing", "from_seq": seq, "to_seq": to_seq,
                            "deleted": rng.random() < 0.1,
                            "attrs": json.dumps({"name": {"value": f"{uid} v{version}"}}),
                            "rels": json.dumps({"peer": [f"p{rng.randint(0, 3)}"]}), "values": {}})  # fmt: skip
            seq = to_seq
        if rng.random() < 0.8:
            records[-1]["to_seq"] = OPEN
        out[uid] = records
    return out


def _valid_at(records: list[dict[str, Any]], seq: int) -> dict[str, Any] | None:
    found = [r for r in records if r["from_seq"] <= seq < r["to_seq"]]
    assert len(found) <= 1
    return found[0] if found else None


def _content(state: Any) -> tuple[Any, ...] | None:
    return None if state is None else (state.kind, state.deleted, state.attrs, state.rels)


def _content_of(record: dict[str, Any] | None) -> tuple[Any, ...] | None:
    if record is None:
        return None
    return record["kind"], record["deleted"], json.loads(record["attrs"]), json.loads(record["rels"])


async def _write(driver: AsyncDriver, branch: str, histories: dict[str, list[dict[str, Any]]]) -> None:
    await GraphProjection(driver, "neo4j").ensure_schema()
    rows = [r for records in histories.values() for r in records]
    async with driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()


@pytest.mark.parametrize("seed", [1, 7])
async def test_records_at_two_sequences_are_the_records_valid_then(neo4j_driver: AsyncDriver, seed: int) -> None:
    rng = random.Random(seed)
    histories = _histories(rng, 80)
    branch = f"reads-{uuid.uuid4().hex[:8]}"
    await _write(neo4j_driver, branch, histories)
    asked = [*histories, "never-written"]
    for _ in range(12):
        early = rng.randint(0, 60)
        late = early + rng.choice([0, 1, 5, 30, 200])
        found = await records_at_two(neo4j_driver, "neo4j", branch, asked, early=early, late=late)
        assert list(found.early) == asked and list(found.late) == asked
        for uid in asked:
            records = histories.get(uid, [])
            before, after = _valid_at(records, early), _valid_at(records, late)
            assert _content(found.early[uid]) == _content_of(before), (uid, early, late)
            assert _content(found.late[uid].state) == _content_of(after), (uid, early, late)
            # the late state is dated by the sequence that wrote it, unless it is the early one
            same = before is not None and before is after
            assert found.late[uid].seq == (0 if same or after is None else after["from_seq"]), (uid, early, late)


async def test_a_branchs_own_records_at_a_sequence_in_the_order_they_were_written(neo4j_driver: AsyncDriver) -> None:
    rng = random.Random(5)
    histories = _histories(rng, 60)
    branch = f"own-{uuid.uuid4().hex[:8]}"
    await _write(neo4j_driver, branch, histories)
    for seq in (0, 3, 17, 40, 90):
        found = await branch_records_at(neo4j_driver, "neo4j", branch, seq)
        valid = {uid: r for uid, records in histories.items() if (r := _valid_at(records, seq)) is not None}
        assert list(found) == sorted(valid, key=lambda uid: (valid[uid]["from_seq"], uid)), seq
        assert {uid: (_content(d.state), d.seq) for uid, d in found.items()} == {
            uid: (_content_of(r), r["from_seq"]) for uid, r in valid.items()
        }, seq
