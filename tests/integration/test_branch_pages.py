"""A branch's page read in index order holds exactly what the general list query returns: the
same total, objects and order, with the objects it points to as a read by id finds them."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.branch_pages import branch_ordered_page
from strata_graph.record_versions import Since, records_by_version
from tests.integration.test_ordered_pages import _contents, _contents_of
from strata_graph.driver import read_records
from strata_graph.ordered_pages import OrderIndexes
from strata_graph.projection import GraphProjection
from strata_graph.records import OPEN
from strata_graph.views import View

pytestmark = pytest.mark.integration

KIND = "TestingThing"
FORK = 50
NAMES = ["eth1", "eth10", "eth2", "Eth3", "a", "zz", "", "eth1", None]


def _record(uid: str, branch_kind: str, from_seq: int, to_seq: int, *, name: str | None, deleted: bool = False,
            owners: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    values: dict[str, Any] = {} if name is None else {"v_name": name}
    if owners:
        values["r_owner"] = owners
    return {"uid": uid, "kind": branch_kind, "from_seq": from_seq, "to_seq": to_seq, "deleted": deleted,
            "attrs": json.dumps({"record": uuid.uuid4().hex}), "rels": "{}", "values": values}  # fmt: skip


def _histories(seed: int, peers: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records of the origin and of the branch forked from it at FORK: objects untouched, changed
    or deleted on either side before or after the fork, created on either side after it."""
    rng = random.Random(seed)

    def name() -> str | None:
        return rng.choice(NAMES)

    def owners() -> list[str]:
        return [rng.choice(peers)] if rng.random() > 0.2 else []

    origin: list[dict[str, Any]] = []
    branch: list[dict[str, Any]] = []
    for i in range(90):
        uid = f"{i:04d}-{uuid.uuid4().hex[:6]}"
        story = rng.choice(["kept", "kept", "updated after", "deleted after", "created after", "deleted before",
                            "updated before"])  # fmt: skip
        if story == "kept":
            origin.append(_record(uid, KIND, rng.randint(1, FORK), OPEN, name=name(), owners=owners()))
        elif story in ("updated after", "deleted after"):
            at = rng.randint(FORK + 1, FORK + 40)
            origin.append(_record(uid, KIND, rng.randint(1, FORK), at, name=name(), owners=owners()))
            origin.append(_record(uid, KIND, at, OPEN, name=name(), deleted=story == "deleted after"))
        elif story == "created after":
            origin.append(_record(uid, KIND, rng.randint(FORK + 1, FORK + 40), OPEN, name=name(), owners=owners()))
        else:
            at = rng.randint(2, FORK)
            origin.append(_record(uid, KIND, 1, at, name=name()))
            origin.append(_record(uid, KIND, at, OPEN, name=name(), owners=owners(),
                                  deleted=story == "deleted before"))  # fmt: skip
        if story != "created after" and rng.random() < 0.08:  # renamed to another kind on the branch
            branch.append(_record(uid, "TestingRenamed", rng.randint(1, 30), OPEN, name=name()))
        elif story != "created after" and rng.random() < 0.35:  # the branch changes it too
            at = rng.randint(1, 30)
            if rng.random() < 0.3:  # an earlier branch version, closed
                branch.append(_record(uid, KIND, at, at + 5, name=name()))
                at += 5
            branch.append(_record(uid, KIND, at, OPEN, name=name(), owners=owners(), deleted=rng.random() < 0.2))
    for i in range(12):  # created on the branch
        branch.append(_record(f"b{i:03d}-{uuid.uuid4().hex[:6]}", KIND, rng.randint(1, 30), OPEN, name=name(),
                              owners=owners()))  # fmt: skip
    # peers: on the origin (one replaced after the fork, one deleted), one changed and one deleted on the branch
    origin += [_record(peers[0], "TestingOther", 1, OPEN, name="p0"),
               _record(peers[1], "TestingOther", 1, FORK + 3, name="p1"),
               _record(peers[1], "TestingOther", FORK + 3, OPEN, name="p1 later"),
               _record(peers[2], "TestingOther", 1, OPEN, name="p2", deleted=True),
               _record(peers[3], "TestingOther", 1, OPEN, name="p3"),
               _record(peers[4], "TestingOther", 1, OPEN, name="p4")]  # fmt: skip
    branch += [_record(peers[3], "TestingOther", 4, OPEN, name="p3 on the branch"),
               _record(peers[4], "TestingOther", 4, OPEN, name="p4", deleted=True)]  # fmt: skip
    return origin, branch


async def _write(driver: AsyncDriver, branch: str, rows: list[dict[str, Any]]) -> None:
    async with driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()


async def _set_checkpoint(driver: AsyncDriver, stream: str, branch: str, seq: int) -> None:
    async with driver.session(database="neo4j") as session:
        await (await session.run(cypher.SET_CHECKPOINT, stream=stream, seq=seq, branch=branch)).consume()


async def _ready(driver: AsyncDriver) -> None:
    await GraphProjection(driver, "neo4j").ensure_schema()
    await OrderIndexes().usable(driver, "neo4j", "v_name")  # the first use asks for the index
    await read_records(driver, "neo4j", "CALL db.awaitIndexes(120)")


async def _general(driver: AsyncDriver, view: View, offset: int, limit: int) -> dict[str, Any]:
    shadow = (await read_records(driver, "neo4j", cypher.OWN_RECORD_IDS, branch=view.branch, own_seq=view.own_seq))[0]
    found = (await read_records(
        driver, "neo4j", cypher.LIST_RECORDS, kinds=[KIND], filters=[], ids=None, shadow=shadow["uids"],
        o1="v_name", o2="", o3="", offset=offset, limit=limit, **view.params(),
    ))[0]  # fmt: skip
    return dict(found)


@pytest.mark.parametrize("seed", [3, 11])
async def test_branch_pages_equal_the_general_query(neo4j_driver: AsyncDriver, seed: int) -> None:
    await _ready(neo4j_driver)
    tag = uuid.uuid4().hex[:10]
    peers = [f"peer{i}-{tag}" for i in range(5)] + [f"peer-missing-{tag}"]
    origin_rows, branch_rows = _histories(seed, peers)
    view = View(branch=f"b{tag}", origin=f"o{tag}", origin_seq=FORK)
    await _write(neo4j_driver, view.origin or "", origin_rows)
    await _write(neo4j_driver, view.branch, branch_rows)
    answered = 0
    for offset in (0, 1, 6, 20, 33, 47, 60, 90):
        for limit in (1, 4, 15, 100):
            expected = await _general(neo4j_driver, view, offset, limit)
            found = await branch_ordered_page(neo4j_driver, "neo4j", view, kind=KIND, key="v_name",
                                              offset=offset, limit=limit, peers_through=["owner"])  # fmt: skip
            if found is None:  # the order values ran out before the page: the general query answers
                assert offset + limit > 10, (offset, limit)
                continue
            answered += 1
            assert found.total == expected["total"], (offset, limit)
            assert [r.version[0] for r in found.rows] == [r["uid"] for r in expected["page"]], (offset, limit)
            assert _contents(found.rows) == _contents_of(expected["page"]), (offset, limit)
            # each version names the record the view sees (the branch's own, else the origin's)
            by_version = await records_by_version(neo4j_driver, "neo4j", [r.version for r in found.rows])
            assert _contents(by_version) == _contents(found.rows), (offset, limit)
            wanted = sorted({uid for r in found.rows for uid in (await _owners(neo4j_driver, view, r.version[0]))})
            by_id = (await read_records(neo4j_driver, "neo4j", cypher.RECORDS_BY_IDS, ids=wanted, **view.params()))[0]
            assert sorted(_contents(found.peers)) == sorted(_contents_of(by_id["rows"])), (offset, limit)
    assert answered >= 8  # most pages within the valued rows are answered here


async def _owners(driver: AsyncDriver, view: View, uid: str) -> list[str]:
    """The `owner` peers of `uid` as the view sees it (its record on the branch, else the origin's)."""
    found = await read_records(driver, "neo4j", """
        MATCH (r:Rec {uid: $uid}) WHERE (r.branch = $branch AND r.to_seq = $open)
           OR (r.branch = $origin AND r.from_seq <= $origin_seq AND r.to_seq > $origin_seq)
        RETURN r.branch = $branch AS own, coalesce(r.r_owner, []) AS owners ORDER BY own DESC LIMIT 1
    """, uid=uid, branch=view.branch, origin=view.origin, origin_seq=view.origin_seq, open=OPEN)  # fmt: skip
    owners: list[str] = found[0]["owners"]
    return owners


async def test_the_branch_total_is_kept_while_its_checkpoint_stays(neo4j_driver: AsyncDriver) -> None:
    """Kept only once the origin's projection has passed the fork point. A record written
    without moving the checkpoint (which the projector never does) shows a count was kept."""
    await _ready(neo4j_driver)
    tag = uuid.uuid4().hex[:10]
    view = View(branch=f"b{tag}", origin=f"o{tag}", origin_seq=FORK)
    streams = {"checkpoint_stream": f"S_b{tag}", "origin_checkpoint_stream": f"S_o{tag}"}
    await _write(neo4j_driver, view.origin or "", [_record(uuid.uuid4().hex, KIND, 1, OPEN, name=n) for n in "abcd"])
    await _write(neo4j_driver, view.branch, [_record(uuid.uuid4().hex, KIND, 2, OPEN, name="e")])
    await _set_checkpoint(neo4j_driver, streams["checkpoint_stream"], view.branch, 2)

    async def total(checkpoint_stream: str | None = None, origin_checkpoint_stream: str | None = None) -> int:
        found = await branch_ordered_page(neo4j_driver, "neo4j", view, kind=KIND, key="v_name", offset=0, limit=2,
                                          checkpoint_stream=checkpoint_stream,
                                          origin_checkpoint_stream=origin_checkpoint_stream)  # fmt: skip
        assert found is not None
        return found.total

    await _set_checkpoint(neo4j_driver, streams["origin_checkpoint_stream"], view.origin or "", FORK - 1)
    assert await total(**streams) == 5
    await _write(neo4j_driver, view.branch, [_record(uuid.uuid4().hex, KIND, 2, OPEN, name="f")])
    assert await total(**streams) == 6  # the origin had not reached the fork: nothing was kept
    await _set_checkpoint(neo4j_driver, streams["origin_checkpoint_stream"], view.origin or "", FORK + 10)
    assert await total(**streams) == 6
    await _write(neo4j_driver, view.branch, [_record(uuid.uuid4().hex, KIND, 2, OPEN, name="g")])
    assert await total(**streams) == 6  # the count taken at the branch's checkpoint 2
    assert await total() == 7  # no checkpoint streams: counted every time
    await _set_checkpoint(neo4j_driver, streams["checkpoint_stream"], view.branch, 3)
    assert await total(**streams) == 7


async def test_a_page_after_the_branch_changes_starts_early_enough(neo4j_driver: AsyncDriver) -> None:
    """The first read of a page further on guesses no changed object sorts before it; five do
    (the branch's own, named first), so the origin's rows must be read from five rows earlier."""
    await _ready(neo4j_driver)
    tag = uuid.uuid4().hex[:10]
    view = View(branch=f"b{tag}", origin=f"o{tag}", origin_seq=FORK)
    await _write(neo4j_driver, view.origin or "", [_record(uuid.uuid4().hex, KIND, 1, OPEN, name=f"m{i:02d}")
                                                   for i in range(30)])  # fmt: skip
    await _write(neo4j_driver, view.branch, [_record(uuid.uuid4().hex, KIND, 2, OPEN, name=f"a{i}") for i in range(5)])
    found = await branch_ordered_page(neo4j_driver, "neo4j", view, kind=KIND, key="v_name", offset=10, limit=5)
    assert found is not None
    assert [r.version[0] for r in found.rows] == [r["uid"] for r in (await _general(neo4j_driver, view, 10, 5))["page"]]
    assert found.total == 35


async def test_a_branch_page_sends_content_written_after_each_sides_since(neo4j_driver: AsyncDriver) -> None:
    """The origin's records are measured against the origin's checkpoint, the branch's own
    against the branch's: each side's records written after its `since` come with content."""
    await _ready(neo4j_driver)
    tag = uuid.uuid4().hex[:10]
    view = View(branch=f"b{tag}", origin=f"o{tag}", origin_seq=FORK)
    origin = [_record(f"o{seq}-{tag}", KIND, seq, OPEN, name=f"o{seq}") for seq in (10, 40)]
    origin += [_record(f"z{i}-{tag}", KIND, 1, OPEN, name=f"z{i}") for i in range(6)]  # after the page
    await _write(neo4j_driver, view.origin or "", origin)
    await _write(neo4j_driver, view.branch, [_record(f"b{seq}-{tag}", KIND, seq, OPEN, name=f"b{seq}") for seq in (3, 8)])

    async def with_content(since: Since) -> dict[str, bool]:
        found = await branch_ordered_page(neo4j_driver, "neo4j", view, kind=KIND, key="v_name", offset=0, limit=4,
                                          since=since)  # fmt: skip
        assert found is not None
        return {r.version[0].split("-")[0]: r.content is not None for r in found.rows}

    assert await with_content(Since()) == {"b3": True, "b8": True, "o10": True, "o40": True}
    assert await with_content(Since(own=5, origin=20)) == {"b3": False, "b8": True, "o10": False, "o40": True}
    assert await with_content(Since(own=20, origin=5)) == {"b3": False, "b8": False, "o10": True, "o40": True}


@pytest.mark.parametrize("seed", [5, 19])
async def test_a_kind_with_fewer_objects_than_the_page_is_read_in_index_order(neo4j_driver: AsyncDriver,
                                                                              seed: int) -> None:  # fmt: skip
    """When every object has the order value, a page asking more than the view holds is the
    whole view, read here rather than by the general query; one object without the value (it
    sorts last and no index holds it) sends the page back to the general query."""
    await _ready(neo4j_driver)
    tag = uuid.uuid4().hex[:10]
    peers = [f"peer{i}-{tag}" for i in range(5)] + [f"peer-missing-{tag}"]
    origin_rows, branch_rows = _histories(seed, peers)
    for row in origin_rows + branch_rows:
        row["values"].setdefault("v_name", f"named-{row['uid']}")
    view = View(branch=f"b{tag}", origin=f"o{tag}", origin_seq=FORK)
    await _write(neo4j_driver, view.origin or "", origin_rows)
    await _write(neo4j_driver, view.branch, branch_rows)
    expected = await _general(neo4j_driver, view, 0, 1000)
    assert 0 < expected["total"] < 200
    for limit in (expected["total"], expected["total"] + 1, 1000):
        found = await branch_ordered_page(neo4j_driver, "neo4j", view, kind=KIND, key="v_name", offset=0,
                                          limit=limit, peers_through=["owner"])  # fmt: skip
        assert found is not None, limit
        assert found.total == expected["total"]
        assert [r.version[0] for r in found.rows] == [r["uid"] for r in expected["page"]]
        assert _contents(found.rows) == _contents_of(expected["page"])
    await _write(neo4j_driver, view.origin or "", [_record(f"zz-{tag}", KIND, 1, OPEN, name=None)])
    assert await branch_ordered_page(neo4j_driver, "neo4j", view, kind=KIND, key="v_name", offset=0,
                                     limit=1000) is None  # fmt: skip
