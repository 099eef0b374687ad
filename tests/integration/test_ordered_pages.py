"""A page read in index order holds exactly what the general list query returns: the same
total, the same objects, in the same order (missing values last, ties by uid)."""

from __future__ import annotations

import random
import uuid

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.driver import read_records
from strata_graph.ordered_pages import OrderIndexes, ordered_page
from strata_graph.projection import GraphProjection
from strata_graph.records import OPEN
from strata_graph.views import View

pytestmark = pytest.mark.integration

KIND = "TestingThing"


def _rows(branch_seed: int) -> list[dict[str, object]]:
    """Open, closed and deleted versions; names repeated, missing, of mixed length."""
    rng = random.Random(branch_seed)
    names = ["eth1", "eth10", "eth2", "Eth3", "a", "zz", "", "eth1"]
    rows: list[dict[str, object]] = []
    for i in range(70):
        uid = f"{i:04d}-{uuid.uuid4().hex[:6]}"
        name = rng.choice(names) if rng.random() > 0.2 else None
        values = {"v_name": name} if name is not None else {}
        if rng.random() < 0.3:  # an older version, closed
            rows.append({"uid": uid, "kind": KIND, "from_seq": 1, "to_seq": 5, "deleted": False,
                         "attrs": "{}", "rels": "{}", "values": {"v_name": "old"}})  # fmt: skip
        rows.append({"uid": uid, "kind": KIND, "from_seq": 5, "to_seq": OPEN, "deleted": rng.random() < 0.15,
                     "attrs": "{}", "rels": "{}", "values": values})  # fmt: skip
    other = {"uid": uuid.uuid4().hex, "kind": "TestingOther", "from_seq": 1, "to_seq": OPEN, "deleted": False,
             "attrs": "{}", "rels": "{}", "values": {"v_name": "a"}}  # fmt: skip
    return [*rows, other]


async def test_index_ordered_pages_equal_the_general_query(neo4j_driver: AsyncDriver) -> None:
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    branch = f"t{uuid.uuid4().hex[:10]}"
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=_rows(7), branch=branch)).consume()
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
            total, page = await ordered_page(neo4j_driver, "neo4j", branch=branch, kind=KIND, key="v_name",
                                             offset=offset, limit=limit)  # fmt: skip
            assert total == expected["total"]
            assert [r["uid"] for r in page] == [r["uid"] for r in expected["page"]], (offset, limit)


async def test_an_order_key_that_is_not_an_identifier_is_never_put_in_a_query(neo4j_driver: AsyncDriver) -> None:
    indexes = OrderIndexes()
    assert not await indexes.usable(neo4j_driver, "neo4j", "v_name) DETACH DELETE r //")
    with pytest.raises(ValueError, match="not an order property"):
        await ordered_page(neo4j_driver, "neo4j", branch="main", kind=KIND, key="v_x`) //", offset=0, limit=1)
