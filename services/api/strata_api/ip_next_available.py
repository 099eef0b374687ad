"""`InfrahubIPPrefixGetNextAvailable` and `InfrahubIPAddressGetNextAvailable`: the next free
sub-prefix or host address inside a prefix, read only (nothing is allocated; a pool allocates,
`ip_prefix_pools.py` and `ip_pools.py`)."""

from __future__ import annotations

import ipaddress
from typing import Any

from strata_api.ip_prefix_pools import Network, first_free_subnet, held_networks
from strata_api.pool_records import values_held
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext

__all__ = ["first_free_host", "held_hosts", "next_available_address", "next_available_prefix", "prefix_network"]


def first_free_host(network: Network, used: set[str]) -> str | None:
    """The lowest host address of `network` not in `used` (addresses without their length)."""
    return next((str(host) for host in network.hosts() if str(host) not in used), None)


async def held_hosts(ctx: GraphQLContext) -> set[str]:
    """The addresses (without their length) the branch's address objects hold."""
    return {str(value).split("/")[0] for value in await values_held(ctx, "BuiltinIPAddress", "address")}


async def prefix_network(ctx: GraphQLContext, uid: str, field: str) -> Network:
    """The network of the prefix object `uid`; an error naming `field` when it is none."""
    row = await ctx.reader.get(uid)
    value = row.attrs.get("prefix", {}).get("value") if row is not None else None
    if row is None or not value:
        raise ValidationFailed(f"{field}: {uid!r} is not an IP prefix on this branch", field=field)
    return ipaddress.ip_network(str(value), strict=False)


async def next_available_prefix(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, str]:
    prefix_id, length = str(args["prefix_id"]), args.get("prefix_length")
    if length is None:
        raise ValidationFailed("prefix_length: required, the length of the sub-prefix sought", field="prefix_length")
    container = await prefix_network(ctx, prefix_id, "prefix_id")
    free = first_free_subnet(container, int(length), await held_networks(ctx))
    if free is None:
        raise ValidationFailed(f"prefix_length: no free /{length} left in {container}", field="prefix_length")
    return {"prefix": str(free)}


async def next_available_address(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, str]:
    prefix_id = str(args["prefix_id"])
    network = await prefix_network(ctx, prefix_id, "prefix_id")
    host = first_free_host(network, await held_hosts(ctx))
    if host is None:
        raise ValidationFailed(f"prefix_id: no free address left in {network}", field="prefix_id")
    return {"address": f"{host}/{args.get('prefix_length') or network.prefixlen}"}
