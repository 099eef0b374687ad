"""`InfrahubResourcePoolAllocated(pool_id, resource_id)`: what a resource pool has given out of
one of its resources, as infrahub-sdk's `get_pool_allocated_resources` pages through it.

Strata keeps no link from an object to the pool it came from, so "given out" is read from the
resource: for an IP address pool, the address objects inside the resource prefix; for an IP
prefix pool, the prefix objects inside it; for a number pool (whose resource is the pool
itself), the objects of its kind holding a number of its range. An object the pool allocated
under an identifier carries that identifier. Ordered by address, prefix or number.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from strata_api.ip_next_available import prefix_network
from strata_api.ip_pools import POOL_KIND as ADDRESS_POOL_KIND
from strata_api.ip_prefix_pools import PREFIX_POOL_KIND
from strata_api.number_pools import POOL_KIND as NUMBER_POOL_KIND
from strata_api.pool_records import allocations_of
from strata_api.state_reader import GraphStateReader
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.paging import page_of
from strata_graphql.runtime.node_rows import NodeRow
from strata_graphql.runtime.resolvers import shape_rows
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeRecord

__all__ = ["held_in", "pool_allocated", "resource_pool"]


async def resource_pool(ctx: GraphQLContext, pool_id: str) -> NodeRecord:
    """The IP address, IP prefix or number pool `pool_id`."""
    pool = (await GraphStateReader(ctx.schema, ctx.reader).get([pool_id])).get(pool_id)
    if pool is None or pool.kind not in (ADDRESS_POOL_KIND, PREFIX_POOL_KIND, NUMBER_POOL_KIND):
        raise ValidationFailed(f"pool_id: {pool_id!r} is not a resource pool on this branch", field="pool_id")
    return pool


async def pool_allocated(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
    pool_id, resource_id = str(args["pool_id"]), str(args["resource_id"])
    pool = await resource_pool(ctx, pool_id)
    held = (await held_in(ctx, pool, [resource_id]))[resource_id]
    page = list(page_of(held, args))
    identifiers = {uid: identifier for identifier, uid in allocations_of(pool).items()}
    shaped = await shape_rows(ctx, page)
    edges = [{"node": {"id": row.uid, "kind": row.kind, "branch": ctx.branch_name, "identifier": identifiers.get(row.uid),
                       "display_label": str(node.get("display_label") or "")}} for row, node in zip(page, shaped)]  # fmt: skip
    return {"count": len(held), "edges": edges}


async def held_in(ctx: GraphQLContext, pool: NodeRecord, resource_ids: Sequence[str]) -> dict[str, list[NodeRow]]:
    """What each of the pool's resources `resource_ids` holds, in order; the held objects are
    read once for them all."""
    if pool.kind == NUMBER_POOL_KIND:
        for resource_id in resource_ids:
            if resource_id != pool.uid:
                raise ValidationFailed(f"resource_id: a number pool's resource is the pool itself ({pool.uid})",
                                       field="resource_id")  # fmt: skip
        return {pool.uid: await _numbers(ctx, pool)} if resource_ids else {}
    for resource_id in resource_ids:
        if resource_id not in pool.peers("resources"):
            raise ValidationFailed(f"resource_id: {resource_id!r} is not a resource of the pool {pool.uid}",
                                   field="resource_id")  # fmt: skip
    await ctx.reader.get_many(list(resource_ids))  # one read: prefix_network finds them there
    containers = {resource_id: await prefix_network(ctx, resource_id, "resource_id") for resource_id in resource_ids}
    addresses = pool.kind == ADDRESS_POOL_KIND
    generic, attribute = ("BuiltinIPAddress", "address") if addresses else ("BuiltinIPPrefix", "prefix")
    _, rows = await ctx.reader.page(concrete_kinds(ctx.schema, generic))
    found: dict[str, list[tuple[int, NodeRow]]] = {resource_id: [] for resource_id in resource_ids}
    for row in rows:
        held = row.attrs.get(attribute, {}).get("value")
        if held is None:
            continue
        if addresses:
            ip = ipaddress.ip_interface(str(held)).ip
            key = int(ip)
            holders = [r for r, c in containers.items() if ip.version == c.version and ip in c]
        else:
            network = ipaddress.ip_network(str(held), strict=False)
            key = int(network.network_address)
            holders = [r for r, c in containers.items()
                       if network.version == c.version and network != c and network.subnet_of(c)]  # type: ignore[arg-type]  # fmt: skip
        for resource_id in holders:
            found[resource_id].append((key, row))
    return {resource_id: _in_order(pairs) for resource_id, pairs in found.items()}


async def _numbers(ctx: GraphQLContext, pool: NodeRecord) -> list[NodeRow]:
    kind, attribute = str(pool.value("node") or ""), str(pool.value("node_attribute") or "")
    start, end = pool.value("start_range"), pool.value("end_range")
    if ctx.schema.get(kind) is None or not isinstance(start, int) or not isinstance(end, int):
        return []
    _, rows = await ctx.reader.page(concrete_kinds(ctx.schema, kind))
    return _in_order([(n, row) for row in rows
                      if isinstance(n := row.attrs.get(attribute, {}).get("value"), int) and start <= n <= end])  # fmt: skip


def _in_order(pairs: list[tuple[int, NodeRow]]) -> list[NodeRow]:
    return [row for _, row in sorted(pairs, key=lambda pair: (pair[0], pair[1].uid))]
