"""The mutations this process appended that the read model may not hold yet, for a bulk
document decided without waiting for their projection.

A bulk document is decided in its branch's turn at the head it guards its append on. When
everything between what the read model holds and that head was appended by this process
(`in_flight.InFlightWrites`), the document may be decided before the projector catches up: the
objects those mutations created or changed are known in memory as of the head (`PriorObjects`)
and the speculative reader answers them from there, never from their stored records (see
`bulk_speculation`). A 1,000-object import request then decides while the projector writes
the request before it, instead of after.

Only mutations whose effect memory can judge exactly qualify (`qualifies`): creates, and
back-references (peers added to a relationship of cardinality many of a stored object). A
delete, a changed attribute or a cardinality-one peer of a stored object could change what a
lookup by hfid finds in the read model; then the document waits for the projection as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata_api.bulk_value_index import PendingValueIndex
from strata_api.overlay import lay_over
from strata_events import NodeCreated, NodeUpdated
from strata_graphql.runtime.context import GraphQLContext
from strata_mutations import NodeEvent, NodeRecord
from strata_schema import BranchSchema

__all__ = ["PriorObjects", "prior_objects", "qualifies"]


class PriorObjects:
    """The objects the prior mutations created or changed, each as of the head, by value."""

    def __init__(self, records: dict[str, NodeRecord] | None = None, index: PendingValueIndex | None = None) -> None:
        self.records = records or {}
        self.index = index or PendingValueIndex()


def qualifies(schema: BranchSchema, events: Sequence[NodeEvent]) -> bool:
    """Whether a bulk document may be decided over `events` kept in memory (see the module)."""
    created = set()
    for event in events:
        if isinstance(event, NodeCreated):
            created.add(event.node_id)
            continue
        if not isinstance(event, NodeUpdated):
            return False  # a delete
        if event.node_id in created:
            continue  # memory holds all of it
        if event.attributes or event.relationships or event.peers_removed:
            return False
        kind = schema.get(event.kind)
        if kind is None:
            return False
        for name in (*event.peers_added, *event.peer_properties):
            rel = kind.relationship(name)
            if rel is None or rel.cardinality != "many":
                return False
    return True


async def prior_objects(ctx: GraphQLContext, events: Sequence[NodeEvent]) -> PriorObjects:
    """The objects `events` created or changed, as of the head: a changed object's stored state
    (read now: before or after their projection, the same, as folding them again is a no-op)
    with the events laid over it."""
    records: dict[str, NodeRecord] = {}
    await lay_over(ctx, records, events)
    index = PendingValueIndex()
    index.update(events, records)
    return PriorObjects(records, index)
