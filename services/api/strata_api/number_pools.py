"""Number pools: an attribute input `{from_pool: {id}}` naming a `CoreNumberPool` takes the lowest
number of the pool's range that no object of the pool's kind holds in that attribute.

As for IP address pools (`ip_pools.py`), the allocation is a decision of the mutation: two
requests taking the same number meet at the branch head's OCC and one decides again, so a
number is never given twice. With an `identifier`, the pool keeps identifier -> number
(`pool_records.py`) and gives the same number again.
"""

from __future__ import annotations

from strata_api.pool_records import allocation_recorded, allocations_of, values_held
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeEvent, NodeRecord, StateReader

__all__ = ["POOL_KIND", "allocate_number"]

POOL_KIND = "CoreNumberPool"


async def allocate_number(
    ctx: GraphQLContext, reader: StateReader, pool_id: str, *, kind: str, attribute: str, identifier: str | None = None
) -> tuple[list[NodeEvent], int]:
    """The number for `kind`.`attribute`, and the events recording an identifier's allocation."""
    path = f"{attribute}.from_pool"
    pool = (await reader.get([pool_id])).get(pool_id)
    if pool is None or pool.kind != POOL_KIND:
        raise ValidationFailed(f"{path}: {pool_id} is not a number pool", field=attribute)
    pool_kind, pool_attribute = str(pool.value("node") or ""), str(pool.value("node_attribute") or "")
    if attribute != pool_attribute or kind not in {pool_kind, *concrete_kinds(ctx.schema, pool_kind)}:
        raise ValidationFailed(
            f"{path}: the pool {pool_id} gives numbers to {pool_kind}.{pool_attribute}, not to {kind}.{attribute}",
            field=attribute,
        )
    allocations: dict[str, int] = allocations_of(pool)
    if identifier and identifier in allocations:
        return [], allocations[identifier]
    start, end = _range(pool, path, attribute)
    held = await values_held(ctx, pool_kind, pool_attribute)
    taken = {v for v in held if isinstance(v, int)} | set(allocations.values())
    number = next((n for n in range(start, end + 1) if n not in taken), None)
    if number is None:
        raise ValidationFailed(f"{path}: the pool {pool_id} has no free number left in {start}..{end}", field=attribute)
    if not identifier:
        return [], number
    allocations[identifier] = number
    return [allocation_recorded(pool, allocations)], number


def _range(pool: NodeRecord, path: str, attribute: str) -> tuple[int, int]:
    start, end = pool.value("start_range"), pool.value("end_range")
    if not isinstance(start, int) or not isinstance(end, int) or start > end:
        raise ValidationFailed(f"{path}: the pool {pool.uid} has no valid range ({start}..{end})", field=attribute)
    return start, end

