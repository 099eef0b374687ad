"""The overlay reads as if the request's decided events were stored: deleted objects are gone,
changed ones are their decided state, the rest are read from the read model."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, cast

import pytest

from strata_api.overlay import OverlayReader, lay_over
from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.node_rows import NodeRow
from strata_mutations import NodeRecord


class _StoredRows:
    """The read model's `get_many`, over a fixed set of rows."""

    def __init__(self, *rows: NodeRow) -> None:
        self.rows = {r.uid: r for r in rows}

    async def get_many(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        return {i: self.rows[i] for i in ids if i in self.rows}


def _ctx(*rows: NodeRow) -> GraphQLContext:
    return cast(GraphQLContext, SimpleNamespace(schema=None, reader=_StoredRows(*rows)))


def _row(uid: str, name: str) -> NodeRow:
    return NodeRow(uid=uid, kind="K", attrs={"name": {"value": name}}, rels={})


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_a_deleted_object_is_gone_and_a_changed_one_reads_as_decided() -> None:
    ctx = _ctx(_row("a", "alpha"), _row("b", "beta"), _row("c", "gamma"))
    reader = OverlayReader(ctx)

    async def scenario() -> dict[str, NodeRecord]:
        await reader.lay_over([
            NodeDeleted(node_id="a", kind="K"),
            NodeUpdated(node_id="b", kind="K", attributes={"name": AttributeValue(value="bravo")}),
            NodeCreated(node_id="d", kind="K", attributes={"name": AttributeValue(value="delta")}),
        ])  # fmt: skip
        return await reader.get(["a", "b", "c", "d"])

    found = _run(scenario())
    assert set(found) == {"b", "c", "d"}
    assert found["b"].value("name") == "bravo"
    assert found["c"].value("name") == "gamma"
    assert found["d"].value("name") == "delta"


def test_an_object_created_again_after_its_delete_is_back() -> None:
    reader = OverlayReader(_ctx(_row("a", "alpha")))

    async def scenario() -> dict[str, NodeRecord]:
        await reader.lay_over([NodeDeleted(node_id="a", kind="K")])
        await reader.lay_over([NodeCreated(node_id="a", kind="K", attributes={"name": AttributeValue(value="again")})])
        return await reader.get(["a"])

    assert _run(scenario())["a"].value("name") == "again"


def test_laying_a_delete_over_with_nowhere_to_record_it_is_refused() -> None:
    pending: dict[str, NodeRecord] = {}
    with pytest.raises(ValueError, match="deleted"):
        _run(lay_over(_ctx(_row("a", "alpha")), pending, [NodeDeleted(node_id="a", kind="K")]))
    assert pending == {}
