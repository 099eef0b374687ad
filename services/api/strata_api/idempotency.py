"""Client-supplied idempotency keys for mutations (header `Idempotency-Key`).

The key, with the caller and the position of the mutation in the request, becomes the
mutation id, which the event store sends as `Nats-Msg-Id`: a retry of a mutation that was
stored is then found (its commit is in the read model, or JetStream's duplicate window refuses
the second batch) and answered from what the first one stored, never applied twice.
"""

from __future__ import annotations

import hashlib
from typing import Any

from strata_api.resources import Resources
from strata_events import NodeCreated, NodeDeleted, NodeUpdated
from strata_eventstore.records import StoredEvent
from strata_graph.driver import read_records

__all__ = ["IDEMPOTENCY_HEADER", "committed_seq", "events_of_commit", "mutation_id_for", "object_of_commit"]

IDEMPOTENCY_HEADER = "idempotency-key"
MAX_KEY_LENGTH = 200

_COMMITTED = "MATCH (c:Commit {branch: $branch, mutation_id: $mutation_id}) RETURN c.seq AS seq LIMIT 1"


def mutation_id_for(actor: str, key: str, field: str, index: int) -> str:
    digest = hashlib.sha256(f"{actor}\n{key}\n{field}\n{index}".encode()).hexdigest()
    return f"idem-{digest[:40]}"


async def committed_seq(resources: Resources, branch_id: str, mutation_id: str) -> int | None:
    """Head sequence of the stored mutation with this id, if the read model holds it."""
    records = await read_records(
        resources.driver, resources.settings.neo4j_database, _COMMITTED,
        branch=branch_id, mutation_id=mutation_id,
    )
    return int(records[0]["seq"]) if records else None


async def events_of_commit(resources: Resources, branch_id: str, head_seq: int) -> list[StoredEvent]:
    """The events of the stored mutation whose head message is at `head_seq`."""
    head = await resources.store.read_range(branch_id, head_seq, head_seq)
    count = int(getattr(head[0].event, "event_count", 0)) if head else 0
    return await resources.store.read_range(branch_id, head_seq - count, head_seq - 1) if count else []


async def object_of_commit(resources: Resources, branch_id: str, head_seq: int, kind: str) -> tuple[str | None, Any]:
    """(object id, first event) of the stored mutation's first event about an object of `kind`."""
    for stored in await events_of_commit(resources, branch_id, head_seq):
        event = stored.event
        if isinstance(event, (NodeCreated, NodeUpdated, NodeDeleted)) and event.kind == kind:
            return event.node_id, event
    return None, None
