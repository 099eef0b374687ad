"""Rows kept by version: a page's rows come from what it sent, what is kept, or a read by
version of what was shown before and dropped since."""

from __future__ import annotations

import json
import uuid

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.driver import read_records
from strata_graph.ordered_pages import OrderIndexes, ordered_page
from strata_graph.projection import GraphProjection
from strata_graph.record_versions import Since
from strata_graph.records import OPEN
from strata_graphql.runtime.row_versions import RowVersions

pytestmark = pytest.mark.integration

KIND = "TestingThing"


async def test_rows_shown_before_and_dropped_are_read_by_version(neo4j_driver: AsyncDriver) -> None:
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    branch = f"t{uuid.uuid4().hex[:10]}"
    rows = [{"uid": f"{i}-{uuid.uuid4().hex[:6]}", "kind": KIND, "from_seq": 1 + i, "to_seq": OPEN, "deleted": False,
             "attrs": json.dumps({"name": {"value": f"n{i}"}}), "rels": "{}", "values": {"v_name": f"n{i}"}}
            for i in range(5)]  # fmt: skip
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=branch)).consume()
    await OrderIndexes().usable(neo4j_driver, "neo4j", "v_name")
    await read_records(neo4j_driver, "neo4j", "CALL db.awaitIndexes(120)")

    async def names(versions: RowVersions, since: int) -> list[str] | None:
        found = await ordered_page(neo4j_driver, "neo4j", branch=branch, kind=KIND, key="v_name", offset=0, limit=10,
                                   since=Since(since))  # fmt: skip
        got = await versions.rows(neo4j_driver, "neo4j", found.rows)
        return None if got is None else [r.attrs["name"]["value"] for r in got]

    expected = [f"n{i}" for i in range(5)]
    small = RowVersions(kept=2)  # keeps the last two rows of a page
    assert await names(small, -1) == expected and small.received == 5
    # shown at since 10, all five come as versions: three of them are read again by version
    assert await names(small, 10) == expected and small.received == 8
    roomy = RowVersions()
    assert await names(roomy, -1) == expected and roomy.received == 5
    assert await names(roomy, 10) == expected and roomy.received == 5  # all kept: nothing read
    shown = await ordered_page(neo4j_driver, "neo4j", branch=branch, kind=KIND, key="v_name", offset=0, limit=10,
                               since=Since(10))  # fmt: skip
    async with neo4j_driver.session(database="neo4j") as session:  # the graph wiped in between
        await (await session.run("MATCH (r:Rec {branch: $branch}) DETACH DELETE r", branch=branch)).consume()
    assert await RowVersions().rows(neo4j_driver, "neo4j", shown.rows) is None
