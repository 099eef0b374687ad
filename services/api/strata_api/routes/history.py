"""Object history: every change to one object, with actor, time, branch and event id."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery

from strata_api.auth_guard import require_reader
from strata_api.resources import Resources
from strata_core.errors import ValidationFailed
from strata_events.ids import NODE_ID_RULE, is_valid_node_id
from strata_service.audit_log import LogBranch, object_history

__all__ = ["history_routes"]


@get("/api/history/{node_id:str}", guards=[require_reader])
async def history_of_object(state: State, node_id: FromPath[str], branch: FromQuery[str] = "main") -> dict[str, Any]:
    """The branch's own events about the object, then (for a branch) its origin's up to the fork."""
    resources: Resources = state["resources"]
    if not is_valid_node_id(node_id):
        raise ValidationFailed(f"node_id: must be {NODE_ID_RULE}", field="node_id")
    ref = await resources.branches.resolve(branch)
    source = LogBranch(id=ref.id, name=ref.name, origin=ref.origin, fork_seq=ref.fork_seq)
    changes = await object_history(resources.store, source, node_id)
    return {"node_id": node_id, "branch": ref.name, "changes": [msgspec.to_builtins(c) for c in changes]}


history_routes = [history_of_object]
