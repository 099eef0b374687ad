"""Object history: every change to one object, with actor, time, branch and event id."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get
from litestar.datastructures import State

from strata_api.resources import Resources
from strata_core.errors import ValidationFailed
from strata_events.ids import NODE_ID_RULE, is_valid_node_id

__all__ = ["history_routes"]


@get("/api/history/{node_id:str}")
async def object_history(state: State, node_id: str, branch: str = "main") -> dict[str, Any]:
    """The branch's own events about the object, then (for a branch) its origin's up to the fork."""
    resources: Resources = state["resources"]
    if not is_valid_node_id(node_id):
        raise ValidationFailed(f"node_id: must be {NODE_ID_RULE}", field="node_id")
    ref = await resources.branches.resolve(branch)
    changes: list[dict[str, Any]] = []
    sources: list[tuple[str, str, int | None]] = [(ref.id, ref.name, None)]
    if ref.origin is not None:
        sources.insert(0, (ref.origin, ref.origin, ref.fork_seq))
    for branch_id, name, upto in sources:
        for stored in await resources.store.read_object(branch_id, node_id):
            if upto is not None and stored.seq > upto:
                continue
            changes.append({
                "event_id": f"{resources.names.stream(branch_id)}:{stored.seq}",
                "branch": name, "seq": stored.seq, "time": stored.time.isoformat(),
                "actor": stored.actor, "mutation_id": stored.mutation_id,
                "event": msgspec.to_builtins(stored.event),
            })  # fmt: skip
    return {"node_id": node_id, "branch": ref.name, "changes": changes}


history_routes = [object_history]
