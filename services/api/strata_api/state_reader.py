"""The mutation layer's StateReader over the request's GraphReader (current branch view)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from strata_graphql.runtime.filters import QueryPlan, plan_query
from strata_graphql.runtime.reader import Filter, GraphReader, NodeRow
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeRecord
from strata_schema import BranchSchema

__all__ = ["GraphStateReader", "record_of"]


def _indexed_value(value: Any) -> bool:
    """Whether the graph stores `value` as itself (`strata_graph.folding`), so an index finds it."""
    scalar = (str, int, float, bool)
    return isinstance(value, scalar) or (isinstance(value, list) and all(isinstance(v, scalar) for v in value))


def record_of(row: NodeRow) -> NodeRecord:
    """A row as the mutations' state reader gives it."""
    return NodeRecord(uid=row.uid, kind=row.kind, attrs=row.attrs, rels=row.rels, peer_props=row.peer_props)


class GraphStateReader:
    def __init__(self, schema: BranchSchema, reader: GraphReader) -> None:
        self._schema = schema
        self._reader = reader

    async def get(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        return {uid: record_of(row) for uid, row in (await self._reader.get_many(list(ids))).items()}

    async def find_by_hfid(self, kind: str, hfid: list[str]) -> NodeRecord | None:
        kind_schema = self._schema.get(kind)
        if kind_schema is None:
            return None
        plan = await plan_query(self._schema, kind_schema, {"hfid": hfid}, self._reader)
        return await self._first(kind, plan)

    async def find_by_values(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        kind_schema = self._schema.get(kind)
        if kind_schema is None:
            return []
        sought = await self.stored_holders(kind, [values])
        if sought is not None:
            return sought
        rels = {r.name for r in kind_schema.relationships}
        filters = [
            Filter(f"r_{k}", "any_in", [v]) if k in rels else Filter(f"v_{k}", "eq", v)
            for k, v in values.items()
        ]
        _, rows = await self._reader.page(concrete_kinds(self._schema, kind), filters=filters)
        return [record_of(r) for r in rows]

    async def stored_holders(self, kind: str, wanted: Sequence[Mapping[str, Any]]) -> list[NodeRecord] | None:
        """The stored objects of `kind` (a generic: its node kinds) holding one of the `wanted`
        value sets (each: field -> an attribute's value or a peer's id, the same fields in
        each), read by index seeks; None when those do not apply (see `GraphReader.holders`,
        and a field that is not one value: a relationship of cardinality many, a value that
        is not a scalar or a list of scalars)."""
        kind_schema = self._schema.get(kind)
        if kind_schema is None or not wanted:
            return None
        names = sorted(wanted[0])
        keys: list[str] = []
        for name in names:
            rel = kind_schema.relationship(name)
            if rel is not None and rel.cardinality != "one":
                return None
            keys.append(f"r_{name}" if rel is not None else f"v_{name}")
        tuples: dict[bytes, list[Any]] = {}
        for values in wanted:
            row = [[values[n]] if k.startswith("r_") else values[n] for n, k in zip(names, keys, strict=True)]
            if not all(_indexed_value(v) for v in row):
                return None
            tuples[msgspec.json.encode(row)] = row
        rows = await self._reader.holders(concrete_kinds(self._schema, kind), keys, list(tuples.values()))
        return None if rows is None else [record_of(r) for r in rows]

    async def _first(self, kind: str, plan: QueryPlan) -> NodeRecord | None:
        if plan.empty:
            return None
        _, rows = await self._reader.page(
            concrete_kinds(self._schema, kind), filters=plan.filters, ids=plan.ids, limit=2
        )
        return record_of(rows[0]) if len(rows) == 1 else None
