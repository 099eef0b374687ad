"""`InfrahubResourcePoolUtilization(pool_id)`: how full each resource of a pool is, as
infrahub-sdk's `get_pool_resources_utilization` reads it.

A resource's size (its `weight`) is the number of host addresses of the prefix for an address
pool, of addresses for a prefix pool, of numbers in the range for a number pool; its use is
what `pool_allocated.py` finds in it (for a prefix pool, the addresses the prefixes inside
cover, each counted once). `utilization` is read on the request's branch and
`utilization_default_branch` on main; `utilization_branches` is what the request's branch adds
to main's (0 on main): Strata does not add up every open branch. Percentages, 0 to 100.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from strata_api.branch_reading import read_branch
from strata_api.ip_prefix_pools import PREFIX_POOL_KIND
from strata_api.number_pools import POOL_KIND as NUMBER_POOL_KIND
from strata_api.pool_allocated import held_in, resource_pool
from strata_api.resources import Resources
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.node_rows import NodeRow
from strata_graphql.runtime.resolvers import shape_rows
from strata_mutations import NodeRecord

__all__ = ["pool_utilization"]


def _size(pool: NodeRecord, resource: NodeRow) -> int:
    if pool.kind == NUMBER_POOL_KIND:
        start, end = pool.value("start_range"), pool.value("end_range")
        return max(end - start + 1, 0) if isinstance(start, int) and isinstance(end, int) else 0
    network = ipaddress.ip_network(str(resource.attrs.get("prefix", {}).get("value")), strict=False)
    if pool.kind == PREFIX_POOL_KIND:
        return network.num_addresses
    if network.version == 4:  # as `hosts()` counts them: no network and broadcast address below /31
        return network.num_addresses if network.prefixlen >= 31 else network.num_addresses - 2
    return network.num_addresses - 1  # IPv6: no subnet-router anycast address


def _used(pool: NodeRecord, held: list[NodeRow]) -> int:
    if pool.kind != PREFIX_POOL_KIND:
        return len(held)
    spans = sorted((int(n.network_address), int(n.broadcast_address))
                   for n in (ipaddress.ip_network(str(r.attrs["prefix"]["value"]), strict=False) for r in held))  # fmt: skip
    covered, reach = 0, -1
    for low, high in spans:  # the union of the spans: nested and overlapping prefixes count once
        if high > reach:
            covered += high - max(low, reach + 1) + 1
            reach = high
    return covered


def _percent(used: int, size: int) -> float:
    return 100.0 * used / size if size else 0.0


async def pool_utilization(resources: Resources, ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
    pool = await resource_pool(ctx, str(args["pool_id"]))
    main = ctx
    if ctx.branch_name != "main":
        reading = await read_branch(resources, "main", None)
        main = GraphQLContext(schema=reading.schema, reader=reading.reader, branch_name="main", branch_id="main",
                              actor=ctx.actor, mutations=None, roots={})  # fmt: skip
    resource_ids = [pool.uid] if pool.kind == NUMBER_POOL_KIND else pool.peers("resources")
    held = await held_in(ctx, pool, resource_ids)
    held_on_main = held if main is ctx else await held_in(main, pool, resource_ids)
    found = await ctx.reader.get_many(resource_ids)
    rows = [found[uid] for uid in resource_ids if uid in found]
    shaped = await shape_rows(ctx, rows)
    edges, totals = [], [0, 0, 0]  # size, used here, used on main
    for row, node in zip(rows, shaped):
        size = _size(pool, row)
        here, on_main = _used(pool, held[row.uid]), _used(pool, held_on_main[row.uid])
        totals = [totals[0] + size, totals[1] + here, totals[2] + on_main]
        edges.append({"node": {
            "id": row.uid, "kind": row.kind, "display_label": str(node.get("display_label") or ""), "weight": size,
            "utilization": _percent(here, size), "utilization_default_branch": _percent(on_main, size),
            "utilization_branches": _percent(max(here - on_main, 0), size) if main is not ctx else 0.0,
        }})  # fmt: skip
    size, here, on_main = totals
    return {"count": len(edges), "edges": edges, "utilization": _percent(here, size),
            "utilization_default_branch": _percent(on_main, size),
            "utilization_branches": _percent(max(here - on_main, 0), size) if main is not ctx else 0.0}  # fmt: skip
