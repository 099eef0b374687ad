"""A branch's general reads (the filtered list and count, which a branch's uniqueness checks use
too) seek the origin's records of the kinds asked by index: planned freely, the origin side read
every record of every kind (a label scan: 315,000 records, 112 ms for a lookup among 38 tags on
the dev stack), so a write on a branch grew with main."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.projection import GraphProjection
from strata_graph.records import OPEN

pytestmark = pytest.mark.integration

_PARAMS: dict[str, Any] = {
    "kinds": ["TestingDog"], "own_seq": 2**62, "origin_seq": 10, "origin_now": 2**62, "agnostic": [],
    "shadow": [], "ids": None, "filters": [{"op": "eq", "key": "v_name", "value": "Rex"}],
    "o1": "v_name", "o2": "v_name", "o3": "v_name", "offset": 0, "limit": 100,
}  # fmt: skip


def _operators(plan: dict[str, Any]) -> list[tuple[str, str]]:
    found = [(plan["operatorType"].split("@")[0], str(plan.get("args", {}).get("Details", "")))]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


@pytest.mark.parametrize("statement", [cypher.LIST_RECORDS, cypher.COUNT_RECORDS], ids=["list", "count"])
async def test_the_origin_side_of_a_branch_read_is_an_index_seek(neo4j_driver: AsyncDriver, statement: str) -> None:
    await GraphProjection(neo4j_driver, "neo4j").ensure_schema()
    origin = f"o{uuid.uuid4().hex[:8]}"
    rows = [{"uid": f"{i}-{origin}", "kind": "TestingDog" if i % 100 == 0 else "TestingBird", "from_seq": 1,
             "to_seq": OPEN, "deleted": False, "attrs": "{}", "rels": "{}", "values": {"v_name": "Rex"}}
            for i in range(3000)]  # fmt: skip
    async with neo4j_driver.session(database="neo4j") as session:
        await (await session.run(cypher.CREATE_RECORDS, rows=rows, branch=origin)).consume()
        await (await session.run("CALL db.awaitIndexes(120)")).consume()
        params = {**_PARAMS, "branch": f"b{uuid.uuid4().hex[:8]}", "origin": origin}
        plan = (await (await session.run("EXPLAIN " + statement, params)).consume()).plan
        answer = await (await session.run(statement, params)).single()
    assert plan is not None and answer is not None
    operators = _operators(plan)
    assert not [(name, d) for name, d in operators if "Scan" in name], operators
    seeks = [details for name, details in operators if name == "NodeIndexSeek"]
    assert any("branch = $origin" in s and "kind = " in s for s in seeks), operators
    assert answer["total"] == 30  # the origin's 30 dogs named Rex, seen from the branch
