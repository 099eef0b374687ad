"""IP address pools: the next free host address of a pool's prefixes, as a new address object.

Allocation is a decision like any other: its events join the mutation's batch, so two requests
racing for the same address meet at the branch head's OCC and one decides again. An allocation
with an `identifier` is idempotent: the pool remembers identifier -> address
(`pool_records.py`).
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from strata_api.ip_next_available import first_free_host, held_hosts
from strata_api.pool_records import allocation_recorded, allocations_of
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_mutations import NodeEvent, StateReader, decide_create

__all__ = ["allocate_address"]

POOL_KIND = "CoreIPAddressPool"


async def allocate_address(
    ctx: GraphQLContext, reader: StateReader, pool_id: str, *, identifier: str | None = None,
    prefix_length: int | None = None, data: dict[str, Any] | None = None,
) -> tuple[list[NodeEvent], str]:  # fmt: skip
    """Events creating the next free address of the pool (none for a known identifier), and its id."""
    pool = (await reader.get([pool_id])).get(pool_id)
    if pool is None or pool.kind != POOL_KIND:
        raise ValidationFailed(f"from_pool: {pool_id} is not an IP address pool", field="from_pool")
    allocations: dict[str, str] = allocations_of(pool)
    if identifier and identifier in allocations and (await reader.get([allocations[identifier]])):
        return [], allocations[identifier]
    address_kind = str(pool.value("default_address_type") or "IpamIPAddress")
    length = prefix_length or pool.value("default_prefix_length")
    used = await held_hosts(ctx)
    prefixes = await reader.get(pool.peers("resources"))
    for prefix_id in pool.peers("resources"):
        prefix = prefixes.get(prefix_id)
        if prefix is None or not prefix.value("prefix"):
            continue
        network = ipaddress.ip_network(str(prefix.value("prefix")), strict=False)
        host = first_free_host(network, used)
        if host is None:
            continue
        new_id = str(uuid.uuid4())
        fields: dict[str, Any] = dict(data or {})
        fields["address"] = {"value": f"{host}/{length or network.prefixlen}"}
        if pool.peers("ip_namespace"):
            fields.setdefault("ip_namespace", {"id": pool.peers("ip_namespace")[0]})
        events = await decide_create(ctx.schema, address_kind, fields, reader, new_id)
        if identifier:
            allocations[identifier] = new_id
            events.append(allocation_recorded(pool, allocations))
        return events, new_id
    raise ValidationFailed(f"pool {pool_id}: no free address left in its prefixes", field="from_pool")

