"""Holders of values read by index seeks are exactly the current, live records of the kinds
that hold one of the tuples asked: not a closed version, not a deleted object, not another kind
or branch; and nothing is answered (None) until the index is online."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.driver import read_records
from strata_graph.projection import GraphProjection
from strata_graph.records import OPEN
from strata_graph.ordered_pages import order_indexes_for
from strata_graph.value_seeks import _statement, holders_by_seek
from tests.integration.test_branch_read_plans import _operators

pytestmark = pytest.mark.integration

KINDS = ["TestingDog", "TestingCat"]
OWNERS = ["owner-1", "owner-2", "owner-3"]
NAMES = ["Rex", "Tom", "rex", "Felix", ""]


def _rows(seed: int, name_key: str) -> list[dict[str, Any]]:
    """Current, closed, deleted and other-kind records; names and owners repeated, some missing."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(120):
        uid = f"{i:04d}-{uuid.uuid4().hex[:6]}"
        kind = rng.choice([*KINDS, "TestingBird"])
        values: dict[str, Any] = {}
        if rng.random() > 0.1:
            values[name_key] = rng.choice(NAMES)
        if rng.random() > 0.1:
            values["r_owner"] = [rng.choice(OWNERS)]
        if rng.random() < 0.3:  # an older version holding other values, closed
            rows.append({"uid": uid, "kind": kind, "from_seq": 1, "to_seq": 5, "deleted": False, "attrs": "{}",
                         "rels": "{}", "values": {name_key: "Old", "r_owner": ["owner-1"]}})  # fmt: skip
        rows.append({"uid": uid, "kind": kind, "from_seq": 5, "to_seq": OPEN, "deleted": rng.random() < 0.15,
                     "attrs": "{}", "rels": "{}", "values": values})  # fmt: skip
    return rows


def _expected(rows: list[dict[str, Any]], keys: list[str], tuples: list[list[Any]]) -> set[str]:
    return {
        r["uid"] for r in rows
        if r["to_seq"] == OPEN and not r["deleted"] and r["kind"] in KINDS
        and [r["values"].get(k) for k in keys] in tuples
    }  # fmt: skip


async def _online_holders(
    driver: AsyncDriver, branch: str, keys: list[str], tuples: list[list[Any]]
) -> list[Any]:
    """The seek's answer once its index is online (the registry looks again every few seconds)."""
    await read_records(driver, "neo4j", "CALL db.awaitIndexes(120)")
    for _ in range(120):
        found = await holders_by_seek(driver, "neo4j", branch=branch, kinds=KINDS, keys=keys, tuples=tuples)
        if found is not None:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"the index on {keys} never came online")


async def test_holders_by_seek_are_the_live_current_records_holding_a_tuple(neo4j_driver: AsyncDriver) -> None:
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    name_key = f"v_n{uuid.uuid4().hex[:8]}"  # an index no test asked for yet
    branch, other_branch = f"t{uuid.uuid4().hex[:10]}", f"t{uuid.uuid4().hex[:10]}"
    rows = _rows(11, name_key)
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()
        await (await session.run(cypher.CREATE_RECORDS, rows=_rows(12, name_key), branch=other_branch)).consume()
    keys = ["r_owner", name_key]
    tuples = [[[owner], name] for owner in OWNERS[:2] for name in ["Rex", "", "Old"]]
    # the first use asks for the index and answers nothing: the caller reads the general way
    assert await holders_by_seek(neo4j_driver, "neo4j", branch=branch, kinds=KINDS, keys=keys, tuples=tuples) is None
    found = await _online_holders(neo4j_driver, branch, keys, tuples)
    expected = _expected(rows, keys, tuples)
    assert expected, "the data holds some of the tuples"
    assert sorted(r["uid"] for r in found) == sorted(expected)
    assert {r["kind"] for r in found} <= set(KINDS)
    # one key alone: a value, then a peer
    for single, values in (([name_key], [["Tom"], ["rex"]]), (["r_owner"], [[["owner-3"]]])):
        found = await _online_holders(neo4j_driver, branch, single, values)
        assert sorted(r["uid"] for r in found) == sorted(_expected(rows, single, values))
    none = await holders_by_seek(neo4j_driver, "neo4j", branch=branch, kinds=KINDS, keys=keys, tuples=[[["owner-9"], "Rex"]])
    assert none == []


async def test_keys_that_are_not_properties_are_never_put_in_a_statement(neo4j_driver: AsyncDriver) -> None:
    for keys in (["v_name) DETACH DELETE r //"], ["name"], ["v_Name"], ["v_a__b"], ["v_1st"], ["x_name"], []):
        assert await holders_by_seek(neo4j_driver, "neo4j", branch="main", kinds=KINDS, keys=keys, tuples=[["a"]]) is None


async def test_a_lookup_seeks_even_when_its_index_was_sampled_empty(neo4j_driver: AsyncDriver) -> None:
    """An index made before the kind has records is sampled empty, and a plan made on that
    estimate read the whole index once per tuple (pages of it per lookup, ~3 s per 1,000 tuples
    at 6,000 interfaces, until Neo4j planned again): every lookup must be a seek on all keys."""
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    keys = ["r_owner", f"v_empty{uuid.uuid4().hex[:8]}"]
    branch = f"b{uuid.uuid4().hex[:8]}"
    rows = [{"uid": f"{i}-{branch}", "kind": KINDS[i % 2], "from_seq": 1, "to_seq": OPEN, "deleted": False,
             "attrs": "{}", "rels": "{}", "values": {"r_owner": ["owner-1"], "v_name": f"n{i}"}} for i in range(5000)]  # fmt: skip
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()
    await order_indexes_for(neo4j_driver).usable(neo4j_driver, "neo4j", *keys)  # asks for the index
    await read_records(neo4j_driver, "neo4j", "CALL db.awaitIndexes(120)")
    async with neo4j_driver.session(database="neo4j") as session:
        result = await session.run("EXPLAIN " + _statement(keys), branch="main", kinds=KINDS, open=OPEN,
                                   tuples=[[["owner-1"], "Rex"]])  # fmt: skip
        plan = (await result.consume()).plan
    assert plan is not None
    operators = _operators(plan)
    seeks = [details for name, details in operators if name == "NodeIndexSeek"]
    assert not [name for name, _ in operators if "Scan" in name], operators
    assert len(seeks) == 1 and all(f"{k} = t[" in seeks[0] for k in keys), operators
