"""`InfrahubIPPrefixGetNextAvailable` and `InfrahubIPAddressGetNextAvailable`: the next free
sub-prefix or host address inside a prefix, read only (nothing is allocated; a pool allocates,
`ip_prefix_pools.py` and `ip_pools.py`)."""

from __future__ import annotations

import ipaddress
from typing import Any

from strata_api.ip_prefix_pools import Network, first_free_subnet
from strata_api.pool_records import values_held
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext

__all__ = ["first_free_host", "next_available_address", "next_available_prefix"]


def first_free_host(network: Network, used: set[str]) -> str | None:
    """The lowest host address of `network` not in `used` (addresses without their length)."""
    return next((str(host) for host in network.hosts() if str(host) not in used), None)


async def _prefix(ctx: GraphQLContext, prefix_id: str) -> Network:
    row = await ctx.reader.get(prefix_id)
    value = row.attrs.get("prefix", {}).get("value") if row is not None else None
    if row is None or not value:
        raise ValidationFailed(f"prefix_id: {prefix_id!r} is not an IP prefix on this branch", field="prefix_id")
    return ipaddress.ip_network(str(value), strict=False)


async def next_available_prefix(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, str]:
    prefix_id, length = str(args["prefix_id"]), args.get("prefix_length")
    if length is None:
        raise ValidationFailed("prefix_length: required, the length of the sub-prefix sought", field="prefix_length")
    container = await _prefix(ctx, prefix_id)
    held = [ipaddress.ip_network(str(v), strict=False) for v in await values_held(ctx, "BuiltinIPPrefix", "prefix")]
    free = first_free_subnet(container, int(length), held)
    if free is None:
        raise ValidationFailed(f"prefix_length: no free /{length} left in {container}", field="prefix_length")
    return {"prefix": str(free)}


async def next_available_address(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, str]:
    prefix_id = str(args["prefix_id"])
    network = await _prefix(ctx, prefix_id)
    used = {str(value).split("/")[0] for value in await values_held(ctx, "BuiltinIPAddress", "address")}
    host = first_free_host(network, used)
    if host is None:
        raise ValidationFailed(f"prefix_id: no free address left in {network}", field="prefix_id")
    return {"address": f"{host}/{args.get('prefix_length') or network.prefixlen}"}
