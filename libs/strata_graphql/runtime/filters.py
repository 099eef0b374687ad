"""GraphQL query arguments (Infrahub's filter dialect) to read-model filters."""

from __future__ import annotations

from typing import Any

from strata_graphql.runtime.reader import Filter, GraphReader
from strata_graphql.runtime.shaping import concrete_kinds
from strata_schema import BranchSchema
from strata_schema.model import KindSchema

__all__ = ["QueryPlan", "plan_query"]

_PAGING = {"offset", "limit", "order", "partial_match", "ids", "hfid", "isnull"}


class QueryPlan:
    def __init__(self) -> None:
        self.filters: list[Filter] = []
        self.ids: list[str] | None = None
        self.order: list[str] = []
        self.offset = 0
        self.limit: int | None = None
        self.empty = False  # a filter that can match nothing (e.g. unknown hfid)


def _intersect(plan: QueryPlan, ids: list[str]) -> None:
    plan.ids = ids if plan.ids is None else [i for i in plan.ids if i in set(ids)]


async def plan_query(
    schema: BranchSchema, kind_schema: KindSchema, args: dict[str, Any], reader: GraphReader
) -> QueryPlan:
    plan = QueryPlan()
    plan.offset = int(args.get("offset") or 0)
    plan.limit = args.get("limit")
    partial = bool(args.get("partial_match"))
    order = args.get("order") or {}
    if not order.get("disable"):
        # attribute paths only (`name__value`): a path through a relationship
        # (`device__name__value`) is not ordered on yet; it used to become a property no record
        # has, which sorted nothing and kept such lists off the index-ordered read
        plan.order = [f"v_{p.split('__')[0]}" for p in (kind_schema.order_by or ())
                      if p.endswith("__value") and p.count("__") == 1]  # fmt: skip
    if args.get("ids"):
        _intersect(plan, list(args["ids"]))
    if args.get("hfid"):
        await _hfid_filter(schema, kind_schema, list(args["hfid"]), plan, reader)
    attr_names = {a.name for a in kind_schema.attributes}
    rels = {r.name: r for r in kind_schema.relationships}
    for key, value in args.items():
        if key in _PAGING or value is None:
            continue
        name, _, rest = key.partition("__")
        if name == "any" and rest == "value":
            plan.filters.append(Filter("", "any_contains", value))
        elif name == "any" and rest in ("source__id", "owner__id"):
            plan.filters.append(Filter("s_" if rest == "source__id" else "o_", "any_prefix_eq", value))
        elif name in attr_names:
            if rest == "value":
                plan.filters.append(Filter(f"v_{name}", "contains" if partial else "eq", value))
            elif rest == "values":
                plan.filters.append(Filter(f"v_{name}", "in", list(value)))
            elif rest == "isnull":
                plan.filters.append(Filter(f"v_{name}", "isnull", bool(value)))
            elif rest in ("source__id", "owner__id"):
                prefix = "s_" if rest == "source__id" else "o_"
                plan.filters.append(Filter(f"{prefix}{name}", "eq", value))
        elif name in rels:
            if rest == "ids":
                plan.filters.append(Filter(f"r_{name}", "any_in", list(value)))
            elif rest == "isnull":
                plan.filters.append(Filter(f"r_{name}", "isnull", bool(value)))
            elif rest.endswith("__value") or rest.endswith("__values"):
                peer_attr, _, op = rest.rpartition("__")
                peer_kind = rels[name].peer
                peer_plan = QueryPlan()
                peer_plan.filters.append(
                    Filter(f"v_{peer_attr}", "in" if op == "values" else ("contains" if partial else "eq"),
                           list(value) if op == "values" else value)  # fmt: skip
                )
                _, peers = await reader.page(concrete_kinds(schema, peer_kind), filters=peer_plan.filters)
                plan.filters.append(Filter(f"r_{name}", "any_in", [p.uid for p in peers]))
    return plan


async def _hfid_filter(
    schema: BranchSchema, kind_schema: KindSchema, hfid: list[str], plan: QueryPlan, reader: GraphReader
) -> None:
    paths = list(kind_schema.human_friendly_id or ())
    if len(paths) != len(hfid):
        plan.empty = True
        return
    rels = {r.name: r for r in kind_schema.relationships}
    for path, value in zip(paths, hfid, strict=True):
        parts = path.split("__")
        if len(parts) == 2:
            plan.filters.append(Filter(f"v_{parts[0]}", "eq", _typed(kind_schema, parts[0], value)))
        elif len(parts) == 3 and parts[0] in rels:
            peer_kinds = concrete_kinds(schema, rels[parts[0]].peer)
            _, peers = await reader.page(peer_kinds, filters=[Filter(f"v_{parts[1]}", "eq", value)])
            plan.filters.append(Filter(f"r_{parts[0]}", "any_in", [p.uid for p in peers]))


def _typed(kind_schema: KindSchema, name: str, value: str) -> Any:
    """hfid components arrive as strings; numbers are stored as numbers."""
    for attr in kind_schema.attributes:
        if attr.name == name and attr.kind == "Number":
            try:
                return int(value)
            except ValueError:
                return value
    return value
