"""Builds realistic mutations (creates, then updates and deletes of the same objects) for tests."""

from __future__ import annotations

import random
import uuid

from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated
from strata_eventstore import EventStore
from strata_eventstore.records import PendingEvent

__all__ = ["append_workload"]


async def append_workload(
    store: EventStore, branch_id: str, *, mutations: int, per_mutation: int, seed: int = 7
) -> list[str]:
    """Append `mutations` batches; returns the ids of the objects created."""
    rng = random.Random(seed)
    ids: list[str] = []
    head = await store.head(branch_id)
    for m in range(mutations):
        events: list[PendingEvent] = []
        for i in range(per_mutation):
            roll = rng.random()
            if ids and roll < 0.3:
                target = rng.choice(ids)
                event: NodeCreated | NodeUpdated | NodeDeleted = NodeUpdated(
                    node_id=target,
                    kind="TestDevice",
                    attributes={"description": AttributeValue(value=f"m{m}-{i}")},
                    relationships={"tags": [rng.choice(ids)]},
                )
            elif ids and roll < 0.35:
                target = rng.choice(ids)
                event = NodeDeleted(node_id=target, kind="TestDevice")
            else:
                target = uuid.UUID(int=rng.getrandbits(128)).hex
                ids.append(target)
                event = NodeCreated(
                    node_id=target,
                    kind="TestDevice",
                    attributes={
                        "name": AttributeValue(value=f"dev-{m}-{i}"),
                        "height": AttributeValue(value=rng.randint(1, 48)),
                        "meta": AttributeValue(value={"rack": rng.randint(1, 9)}),
                    },
                )
            events.append(PendingEvent(store.names.node_subject(branch_id, target), event))
        result = await store.append(branch_id, events, expected_head=head, actor="tester")
        head = result.head_seq
    return ids
