"""What the resource pools share (`ip_pools.py`, `number_pools.py`): the identifier -> resource
map a pool keeps in `_allocations` (a record field the schema does not expose), and the values
the objects of a kind already hold, which a pool must not give again."""

from __future__ import annotations

from typing import Any

from strata_events import AttributeValue, NodeUpdated
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeRecord

__all__ = ["allocations_of", "allocation_recorded", "values_held"]

ALLOCATIONS = "_allocations"


def allocations_of(pool: NodeRecord) -> dict[str, Any]:
    """A copy of the pool's identifier -> resource map."""
    return dict(pool.attrs.get(ALLOCATIONS, {}).get("value") or {})


def allocation_recorded(pool: NodeRecord, allocations: dict[str, Any]) -> NodeUpdated:
    """The event storing the pool's map with a new identifier in it."""
    return NodeUpdated(node_id=pool.uid, kind=pool.kind, attributes={ALLOCATIONS: AttributeValue(value=allocations)})


async def values_held(ctx: GraphQLContext, kind: str, attribute: str) -> list[Any]:
    """The values of `attribute` the current objects of `kind` (or of the kinds implementing it) hold."""
    _, rows = await ctx.reader.page(concrete_kinds(ctx.schema, kind))
    return [value for row in rows if (value := row.attrs.get(attribute, {}).get("value")) is not None]
