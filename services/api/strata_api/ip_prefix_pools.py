"""IP prefix pools: the first free sub-prefix of the asked length in a pool's prefixes, as a new
prefix object (`InfrahubIPPrefixPoolGetResource`, or `{from_pool}` on a relationship to a
prefix).

A sub-prefix is free when no prefix already held inside the pool's prefix overlaps it. The
search walks the pool's prefix in steps of the asked size and jumps past each prefix in the way,
so it costs the number of prefixes held, not the number of candidates (a /16 cut into /31s is
32,768 of those). As for addresses (`ip_pools.py`), the allocation is a decision whose events
join the mutation's batch, and an `identifier` makes it idempotent.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from strata_api.pool_records import allocation_recorded, allocations_of, values_held
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_mutations import NodeEvent, NodeRecord, StateReader, decide_create

__all__ = ["PREFIX_POOL_KIND", "allocate_prefix", "first_free_subnet", "held_networks"]

PREFIX_POOL_KIND = "CoreIPPrefixPool"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def first_free_subnet(container: Network, length: int, held: list[Network]) -> Network | None:
    """The lowest sub-prefix of `container` of `length` that overlaps none of `held` (prefixes
    inside the container, the container itself excepted); None when there is none."""
    if not container.prefixlen < length <= container.max_prefixlen:
        return None
    size = 1 << (container.max_prefixlen - length)
    in_the_way = sorted(
        (int(n.network_address), int(n.broadcast_address))
        for n in held
        if n.version == container.version and n != container and n.subnet_of(container)  # type: ignore[arg-type]
    )
    start, last = int(container.network_address), int(container.broadcast_address)
    for low, high in in_the_way:
        if start + size - 1 < low:
            break  # the candidate ends before this prefix (and all later ones) begins
        if high >= start:
            start = -(-(high + 1) // size) * size  # the next aligned candidate after it
    if start + size - 1 > last:
        return None
    return ipaddress.IPv4Network((start, length)) if container.version == 4 else ipaddress.IPv6Network((start, length))


async def held_networks(ctx: GraphQLContext) -> list[Network]:
    """The networks the branch's prefix objects hold."""
    return [ipaddress.ip_network(str(v), strict=False) for v in await values_held(ctx, "BuiltinIPPrefix", "prefix")]


async def _pool(reader: StateReader, pool_id: str | None, hfid: list[str] | None) -> NodeRecord:
    pool = (await reader.get([pool_id])).get(pool_id) if pool_id else None
    if pool is None and hfid:
        pool = await reader.find_by_hfid(PREFIX_POOL_KIND, [str(part) for part in hfid])
    if pool is None or pool.kind != PREFIX_POOL_KIND:
        raise ValidationFailed(f"id: {pool_id or hfid} is not an IP prefix pool", field="id")
    return pool


async def allocate_prefix(
    ctx: GraphQLContext, reader: StateReader, pool_id: str | None, *, hfid: list[str] | None = None,
    identifier: str | None = None, prefix_length: int | None = None, member_type: str | None = None,
    prefix_type: str | None = None, data: dict[str, Any] | None = None,
) -> tuple[list[NodeEvent], str]:  # fmt: skip
    """Events creating the next free prefix of the pool (none for a known identifier), and its id."""
    pool = await _pool(reader, pool_id, hfid)
    allocations: dict[str, str] = allocations_of(pool)
    if identifier and identifier in allocations and (await reader.get([allocations[identifier]])):
        return [], allocations[identifier]
    length = prefix_length or pool.value("default_prefix_length")
    if not isinstance(length, int):
        raise ValidationFailed("prefix_length: required, the pool has no default_prefix_length", field="prefix_length")
    kind = prefix_type or pool.value("default_prefix_type")
    if not kind:
        raise ValidationFailed("prefix_type: required, the pool has no default_prefix_type", field="prefix_type")
    held = await held_networks(ctx)
    containers = await reader.get(pool.peers("resources"))
    for container_id in pool.peers("resources"):
        container = containers.get(container_id)
        if container is None or not container.value("prefix"):
            continue
        free = first_free_subnet(ipaddress.ip_network(str(container.value("prefix")), strict=False), length, held)
        if free is None:
            continue
        fields: dict[str, Any] = dict(data or {})
        fields["prefix"] = {"value": str(free)}
        fields.setdefault("member_type", {"value": member_type or pool.value("default_member_type") or "prefix"})
        if pool.peers("ip_namespace"):
            fields.setdefault("ip_namespace", {"id": pool.peers("ip_namespace")[0]})
        new_id = str(uuid.uuid4())
        events = await decide_create(ctx.schema, str(kind), fields, reader, new_id)
        if identifier:
            allocations[identifier] = new_id
            events.append(allocation_recorded(pool, allocations))
        return events, new_id
    raise ValidationFailed(f"pool {pool.uid}: no free /{length} left in its prefixes", field="prefix_length")
