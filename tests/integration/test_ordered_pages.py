"""A page read in index order holds exactly what the general list query returns: the same
total, the same objects, in the same order (missing values last, ties by uid)."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.driver import read_records
from strata_graph.ordered_pages import _PAGE, OrderIndexes, drop_superseded_indexes, ordered_page, statement_for_key
from strata_graph.record_versions import Since, VersionedRecord, records_by_version
from strata_graph.projection import GraphProjection
from strata_graph.records import OPEN
from strata_graph.views import View

pytestmark = pytest.mark.integration

KIND = "TestingThing"


# Peers: current, current but deleted, closed only (not current), and never stored.
PEERS = [("peer-live-1", OPEN, False), ("peer-live-2", OPEN, False), ("peer-deleted", OPEN, True),
         ("peer-closed", 5, False)]  # fmt: skip


def _rows(branch_seed: int) -> list[dict[str, Any]]:
    """Open, closed and deleted versions; names repeated, missing, of mixed length; an owner
    among the peers for most."""
    rng = random.Random(branch_seed)
    names = ["eth1", "eth10", "eth2", "Eth3", "a", "zz", "", "eth1"]
    owners = [uid for uid, _, _ in PEERS] + ["peer-missing"]
    rows: list[dict[str, Any]] = []
    for i in range(70):
        uid = f"{i:04d}-{uuid.uuid4().hex[:6]}"
        name = rng.choice(names) if rng.random() > 0.2 else None
        values: dict[str, object] = {"v_name": name} if name is not None else {}
        if rng.random() > 0.1:
            values["r_owner"] = [rng.choice(owners)]
        if rng.random() < 0.3:  # an older version, closed
            rows.append({"uid": uid, "kind": KIND, "from_seq": 1, "to_seq": 5, "deleted": False,
                         "attrs": json.dumps({"record": uuid.uuid4().hex}), "rels": "{}", "values": {"v_name": "old"}})  # fmt: skip
        rows.append({"uid": uid, "kind": KIND, "from_seq": 5, "to_seq": OPEN, "deleted": rng.random() < 0.15,
                     "attrs": json.dumps({"record": uuid.uuid4().hex}), "rels": "{}", "values": values})  # fmt: skip
    other = {"uid": uuid.uuid4().hex, "kind": "TestingOther", "from_seq": 1, "to_seq": OPEN, "deleted": False,
             "attrs": "{}", "rels": "{}", "values": {"v_name": "a"}}  # fmt: skip
    peers = [{"uid": uid, "kind": "TestingOther", "from_seq": 1, "to_seq": to_seq, "deleted": deleted,
              "attrs": "{}", "rels": "{}", "values": {}} for uid, to_seq, deleted in PEERS]  # fmt: skip
    return [*rows, other, *peers]


def _contents(records: list[VersionedRecord]) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """What `records` hold, in their order (each must have come with its content)."""
    assert all(r.content is not None for r in records)
    return [(r.version[0], *r.content) for r in records if r.content is not None]


def _contents_of(records: list[Any]) -> list[tuple[str, str, str | None, str | None, str | None]]:
    return [(r["uid"], r["kind"], r["attrs"], r["rels"], r.get("rprops")) for r in records]


async def test_index_ordered_pages_equal_the_general_query(neo4j_driver: AsyncDriver) -> None:
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    branch = f"t{uuid.uuid4().hex[:10]}"
    rows = _rows(7)
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()
    current: dict[Any, dict[str, Any]] = {r["uid"]: r["values"] for r in rows if r["to_seq"] == OPEN}
    await OrderIndexes().usable(neo4j_driver, "neo4j", "v_name")  # the first use asks for the index
    await read_records(neo4j_driver, "neo4j", "CALL db.awaitIndexes(120)")
    indexes = OrderIndexes()  # a fresh registry asks Neo4j again
    assert await indexes.usable(neo4j_driver, "neo4j", "v_name")
    view = View(branch=branch)
    for offset in (0, 1, 7, 30, 48, 55, 80):
        for limit in (1, 5, 20, 100):
            expected = (await read_records(
                neo4j_driver, "neo4j", cypher.LIST_RECORDS, kinds=[KIND], filters=[], ids=None, shadow=[],
                o1="v_name", o2="", o3="", offset=offset, limit=limit, **view.params(),
            ))[0]  # fmt: skip
            total, page, peers, _ = await ordered_page(neo4j_driver, "neo4j", branch=branch, kind=KIND, key="v_name",
                                                       offset=offset, limit=limit, peers_through=["owner"])  # fmt: skip
            assert total == expected["total"]
            assert [r.version[0] for r in page] == [r["uid"] for r in expected["page"]], (offset, limit)
            assert _contents(page) == _contents_of(expected["page"]), (offset, limit)
            # the same content read by version
            by_version = await records_by_version(neo4j_driver, "neo4j", [r.version for r in page])
            assert _contents(by_version) == _contents(page), (offset, limit)
            # the peers of the indexed rows (those with a name), as a read by id finds them
            named = [current[r.version[0]] for r in page if current[r.version[0]].get("v_name") is not None]
            wanted = sorted({uid for values in named for uid in values.get("r_owner", [])})
            by_id = (await read_records(neo4j_driver, "neo4j", cypher.RECORDS_BY_IDS, ids=wanted, **view.params()))[0]
            assert sorted(_contents(peers)) == sorted(_contents_of(by_id["rows"])), (offset, limit)
            assert not (await ordered_page(neo4j_driver, "neo4j", branch=branch, kind=KIND, key="v_name",
                                           offset=offset, limit=limit)).peers  # fmt: skip


async def test_an_order_key_that_is_not_an_identifier_is_never_put_in_a_query(neo4j_driver: AsyncDriver) -> None:
    indexes = OrderIndexes()
    assert not await indexes.usable(neo4j_driver, "neo4j", "v_name) DETACH DELETE r //")
    with pytest.raises(ValueError, match="not an order property"):
        await ordered_page(neo4j_driver, "neo4j", branch="main", kind=KIND, key="v_x`) //", offset=0, limit=1)


def _thing(name: str) -> dict[str, Any]:
    return {"uid": uuid.uuid4().hex, "kind": KIND, "from_seq": 1, "to_seq": OPEN, "deleted": False,
            "attrs": "{}", "rels": "{}", "values": {"v_name": name}}  # fmt: skip


async def test_the_total_is_counted_again_only_when_the_checkpoint_moves(neo4j_driver: AsyncDriver) -> None:
    """The count is kept with the checkpoint it was taken at. A record written without moving
    the checkpoint (which the projector never does) shows the count was kept, not taken."""
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    await OrderIndexes().usable(neo4j_driver, "neo4j", "v_name")
    await read_records(neo4j_driver, "neo4j", "CALL db.awaitIndexes(120)")
    branch = f"t{uuid.uuid4().hex[:10]}"
    stream = f"S_{branch}"

    async def write(rows: list[dict[str, Any]], checkpoint: int | None) -> None:
        async with neo4j_driver.session(database="neo4j") as session:
            await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()
            if checkpoint is not None:
                await (await session.run(cypher.SET_CHECKPOINT, stream=stream, seq=checkpoint, branch=branch)).consume()

    async def total(counted_by: str | None) -> tuple[int, int]:
        found = await ordered_page(neo4j_driver, "neo4j", branch=branch, kind=KIND, key="v_name", offset=0,
                                   limit=100, checkpoint_stream=counted_by)  # fmt: skip
        return found.total, len(found.rows)

    await write([_thing("a"), _thing("b"), _thing("c")], checkpoint=10)
    assert await total(stream) == (3, 3)
    await write([_thing("d")], checkpoint=None)
    assert await total(stream) == (3, 4)  # the count taken at checkpoint 10
    assert await total(None) == (4, 4)  # no checkpoint stream: counted every time
    await write([_thing("e")], checkpoint=11)
    assert await total(stream) == (5, 5)


async def test_records_written_after_since_alone_come_with_their_content(neo4j_driver: AsyncDriver) -> None:
    """A reader that saw the page when the checkpoint was at `since` is sent the content of
    the records written after it, and the versions of the others."""
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    branch = f"t{uuid.uuid4().hex[:10]}"
    rows = [{"uid": f"{i}-{uuid.uuid4().hex[:6]}", "kind": KIND, "from_seq": seq, "to_seq": OPEN, "deleted": False,
             "attrs": json.dumps({"record": i}), "rels": "{}", "values": {"v_name": f"n{i}", "r_owner": [owner]}}
            for i, (seq, owner) in enumerate([(3, "peer-a"), (7, "peer-b"), (9, "peer-a")])]  # fmt: skip
    rows += [{"uid": uid, "kind": "TestingOther", "from_seq": seq, "to_seq": OPEN, "deleted": False, "attrs": "{}",
              "rels": "{}", "values": {}} for uid, seq in (("peer-a", 2), ("peer-b", 8))]  # fmt: skip
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()
    await OrderIndexes().usable(neo4j_driver, "neo4j", "v_name")
    await read_records(neo4j_driver, "neo4j", "CALL db.awaitIndexes(120)")

    async def read(since: int) -> tuple[dict[str, bool], dict[str, bool]]:
        found = await ordered_page(neo4j_driver, "neo4j", branch=branch, kind=KIND, key="v_name", offset=0, limit=10,
                                   peers_through=["owner"], since=Since(since))  # fmt: skip
        return ({r.version[0].split("-")[0]: r.content is not None for r in found.rows},
                {r.version[0]: r.content is not None for r in found.peers})  # fmt: skip

    assert await read(-1) == ({"0": True, "1": True, "2": True}, {"peer-a": True, "peer-b": True})
    assert await read(7) == ({"0": False, "1": False, "2": True}, {"peer-a": False, "peer-b": True})
    assert await read(9) == ({"0": False, "1": False, "2": False}, {"peer-a": False, "peer-b": False})


def _operators(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(op for child in plan.get("children", []) for op in _operators(child))]


async def test_a_page_of_tied_values_reads_no_more_index_entries_than_it_shows(neo4j_driver: AsyncDriver) -> None:
    """300 objects share one name: the index gives them in uid order, so the page stops after
    its rows instead of reading every tie to sort them."""
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    await OrderIndexes().usable(neo4j_driver, "neo4j", "v_name")
    await read_records(neo4j_driver, "neo4j", "CALL db.awaitIndexes(120)")
    branch = f"t{uuid.uuid4().hex[:10]}"
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=[_thing("eth1") for _ in range(300)], branch=branch)).consume()
        result = await session.run("PROFILE " + statement_for_key(_PAGE, "v_name"), branch=branch, kind=KIND,
                                   open=OPEN, offset=5, limit=20, peer_props=[], stream=None, cached_at=-1,
                                   since=-1, origin_since=-1)  # fmt: skip
        record = await result.single()
        assert record is not None
        page = record["page"]
        profile = (await result.consume()).profile
    assert [row[0] for row in page] == sorted(row[0] for row in page) and len(page) == 20
    operators = _operators(profile or {})
    seeks = [op for op in operators if "v_name, uid" in op.get("args", {}).get("Details", "")]
    assert seeks and all(op["rows"] <= 5 + 20 + 1 for op in seeks)
    assert not [op for op in operators if op["operatorType"].split("@")[0] in ("Sort", "Top", "PartialTop")]


async def test_indexes_of_the_earlier_layout_are_dropped(neo4j_driver: AsyncDriver) -> None:
    tag = uuid.uuid4().hex[:8]
    old, kept, odd = f"rec_open_order_v_old{tag}", f"rec_open_orderly_{tag}", f"rec_open_order_V{tag}"
    for name in (old, kept, odd):
        await read_records(neo4j_driver, "neo4j", f"CREATE INDEX {name} FOR (r:Rec) ON (r.branch, r.v_{name})")
    assert await drop_superseded_indexes(neo4j_driver, "neo4j") == [old]  # `odd` is not a name it makes
    names = {r["name"] for r in await read_records(neo4j_driver, "neo4j", "SHOW INDEXES YIELD name RETURN name")}
    assert old not in names and kept in names and odd in names
    for name in (kept, odd):
        await read_records(neo4j_driver, "neo4j", f"DROP INDEX {name}")
