"""A list read object by object (`cypher.LIST_RECORDS_OF_IDS`: a list by ids, or by a value an
index answers) holds exactly what the general list query returns for those ids: in every view
(main, a branch at its fork, a branch in the past, an agnostic kind), with filters, orders and
pages, the same total, objects, order and content."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.driver import read_records
from strata_graph.value_seeks import branch_holders_by_seek
from strata_graph.views import View
from tests.integration.test_branch_pages import FORK, KIND, _histories, _ready, _write

pytestmark = pytest.mark.integration

_FILTERS: list[list[dict[str, Any]]] = [
    [],
    [{"key": "v_name", "op": "eq", "value": "eth1"}],
    [{"key": "v_name", "op": "in", "value": ["eth1", "a", ""]}],
    [{"key": "v_name", "op": "isnull", "value": True}],
]


async def _list(driver: AsyncDriver, statement: str, view: View, ids: list[str] | None, filters: list[dict[str, Any]],
                order: str, offset: int, limit: int) -> dict[str, Any]:  # fmt: skip
    shadow = (await read_records(driver, "neo4j", cypher.OWN_RECORD_IDS, branch=view.branch, own_seq=view.own_seq))[0]
    found = (await read_records(
        driver, "neo4j", statement, kinds=[KIND, "TestingRenamed"], filters=filters, ids=ids, shadow=shadow["uids"],
        o1=order, o2="", o3="", offset=offset, limit=limit, **view.params(),
    ))[0]  # fmt: skip
    return {"total": found["total"], "page": [dict(r) for r in found["page"]]}


@pytest.mark.parametrize("seed", [5, 17])
async def test_a_list_by_ids_equals_the_general_query(neo4j_driver: AsyncDriver, seed: int) -> None:
    await _ready(neo4j_driver)
    tag = uuid.uuid4().hex[:10]
    peers = [f"peer{i}-{tag}" for i in range(5)]
    origin_rows, branch_rows = _histories(seed, peers)
    origin, branch = f"o{tag}", f"b{tag}"
    await _write(neo4j_driver, origin, origin_rows)
    await _write(neo4j_driver, branch, branch_rows)
    views = [
        View(branch=origin),  # the origin as main: no origin of its own
        View(branch=origin, own_seq=FORK - 10),
        View(branch=branch, origin=origin, origin_seq=FORK),
        View(branch=branch, own_seq=12, origin=origin, origin_seq=FORK - 20),
        View(branch=branch, origin=origin, origin_seq=FORK, agnostic=(KIND,), origin_now=FORK + 20),
    ]
    uids = sorted({r["uid"] for r in origin_rows + branch_rows})
    rng = random.Random(seed)
    compared = 0
    for view in views:
        for _ in range(6):
            ids = rng.sample(uids, rng.randint(1, 40)) + [f"missing-{tag}"]
            for filters in _FILTERS:
                for order, offset, limit in (("v_name", 0, 100), ("", 0, 3), ("v_name", 5, 10)):
                    expected = await _list(neo4j_driver, cypher.LIST_RECORDS, view, ids, filters, order, offset, limit)
                    found = await _list(neo4j_driver, cypher.LIST_RECORDS_OF_IDS, view, ids, filters, order, offset,
                                        limit)  # fmt: skip
                    assert found == expected, (view, filters, order, offset, limit)
                    compared += bool(expected["page"])
    assert compared > 100  # most comparisons hold objects


async def _branch_holders(driver: AsyncDriver, view: View, values: list[Any]) -> list[str]:
    """`branch_holders_by_seek` once its index is online (the registry looks every few seconds)."""
    for _ in range(120):
        found = await branch_holders_by_seek(driver, "neo4j", branch=view.branch, origin=view.origin or "",
                                             fork_seq=view.origin_seq, kinds=[KIND, "TestingRenamed"], key="v_name",
                                             values=values)  # fmt: skip
        if found is not None:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError("the index on v_name never came online")


@pytest.mark.parametrize("seed", [5, 17])
async def test_a_branch_list_by_value_read_by_id_equals_the_general_query(neo4j_driver: AsyncDriver, seed: int) -> None:
    """The holders a branch's current state may see (its own, the origin's open records, the
    origin's records at the fork closed since) hold every object the general query finds, so
    reading them by id answers the same."""
    await _ready(neo4j_driver)
    tag = uuid.uuid4().hex[:10]
    origin_rows, branch_rows = _histories(seed, [f"peer{i}-{tag}" for i in range(5)])
    view = View(branch=f"b{tag}", origin=f"o{tag}", origin_seq=FORK)
    await _write(neo4j_driver, view.origin or "", origin_rows)
    await _write(neo4j_driver, view.branch, branch_rows)
    found_any = 0
    for values in (["eth1"], ["a", "zz"], ["eth2", "Eth3", ""], ["nobody"]):
        op, value = ("eq", values[0]) if len(values) == 1 else ("in", values)
        filters = [{"key": "v_name", "op": op, "value": value}]
        expected = await _list(neo4j_driver, cypher.LIST_RECORDS, view, None, filters, "v_name", 0, 1000)
        candidates = await _branch_holders(neo4j_driver, view, values)
        assert {r["uid"] for r in expected["page"]} <= set(candidates), values
        found = await _list(neo4j_driver, cypher.LIST_RECORDS_OF_IDS, view, candidates, filters, "v_name", 0, 1000)
        assert found == expected, values
        found_any += len(expected["page"])
    assert found_any > 10
