"""Restores the built-in state on an empty store: the main branch and its first events.

Run by every API replica at start; the head OCC (expected head 0) and a fixed mutation id make
concurrent or repeated runs store it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import structlog

from strata_core.errors import ConcurrencyConflict
from strata_events import AttributeValue, BranchCreated, NodeCreated
from strata_eventstore import EventStore
from strata_eventstore.records import PendingEvent

__all__ = ["DEFAULT_NAMESPACE_ID", "MAIN_BRANCH_ID", "bootstrap_main"]

MAIN_BRANCH_ID = "main"
# The built-in IPAM namespace every IP prefix and address belongs to unless told otherwise.
DEFAULT_NAMESPACE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "strata:ipam-namespace:default"))
_log = structlog.get_logger("strata.api")


async def bootstrap_main(store: EventStore, extra: Sequence[PendingEvent] = ()) -> bool:
    """Create main's stream and its founding events if absent; True when this call wrote them."""
    await store.ensure_branch_stream(MAIN_BRANCH_ID)
    if await store.head(MAIN_BRANCH_ID) != 0:
        return False
    created = BranchCreated(
        branch_id=MAIN_BRANCH_ID,
        name="main",
        description="Default Branch",
        fork_time=datetime.now(UTC).isoformat(),
        sync_with_git=True,
    )
    namespace = NodeCreated(
        node_id=DEFAULT_NAMESPACE_ID,
        kind="IpamNamespace",
        attributes={
            "name": AttributeValue(value="default"),
            "description": AttributeValue(value="Used to provide a default space of IP resources"),
            "default": AttributeValue(value=True),
        },
    )
    events = [
        PendingEvent(store.names.branch_event_subject(MAIN_BRANCH_ID), created),
        PendingEvent(store.names.node_subject(MAIN_BRANCH_ID, DEFAULT_NAMESPACE_ID), namespace),
        *extra,
    ]
    try:
        result = await store.append(
            MAIN_BRANCH_ID,
            events,
            expected_head=0,
            mutation_id="bootstrap-main",
            actor="system",
            operation="bootstrap",
        )
    except ConcurrencyConflict:
        return False
    _log.info("main_bootstrapped", head_seq=result.head_seq, duplicate=result.duplicate)
    return not result.duplicate
