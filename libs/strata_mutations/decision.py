"""What a mutation decided: the events to append and the object they are about."""

from __future__ import annotations

import msgspec

from strata_events import NodeCreated, NodeDeleted, NodeUpdated

__all__ = ["Decision", "NodeEvent"]

NodeEvent = NodeCreated | NodeUpdated | NodeDeleted


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """`events` is empty when the input changes nothing; `created` is set by an upsert that created."""

    node_id: str
    events: list[NodeEvent]
    created: bool = False
