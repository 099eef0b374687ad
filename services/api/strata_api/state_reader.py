"""The mutation layer's StateReader over the request's GraphReader (current branch view)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from strata_graphql.runtime.filters import QueryPlan, plan_query
from strata_graphql.runtime.reader import Filter, GraphReader, NodeRow
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeRecord
from strata_schema import BranchSchema

__all__ = ["GraphStateReader"]


def _record(row: NodeRow) -> NodeRecord:
    return NodeRecord(uid=row.uid, kind=row.kind, attrs=row.attrs, rels=row.rels)


class GraphStateReader:
    def __init__(self, schema: BranchSchema, reader: GraphReader) -> None:
        self._schema = schema
        self._reader = reader

    async def get(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        return {uid: _record(row) for uid, row in (await self._reader.get_many(list(ids))).items()}

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
        rels = {r.name for r in kind_schema.relationships}
        filters = [
            Filter(f"r_{k}", "any_in", [v]) if k in rels else Filter(f"v_{k}", "eq", v)
            for k, v in values.items()
        ]
        _, rows = await self._reader.page(concrete_kinds(self._schema, kind), filters=filters)
        return [_record(r) for r in rows]

    async def _first(self, kind: str, plan: QueryPlan) -> NodeRecord | None:
        if plan.empty:
            return None
        _, rows = await self._reader.page(
            concrete_kinds(self._schema, kind), filters=plan.filters, ids=plan.ids, limit=2
        )
        return _record(rows[0]) if len(rows) == 1 else None
