"""REST: a branch's diff (data, schema; files and artifacts, which Strata does not hold), and
conflict resolutions recorded as events."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery

from strata_api.auth_guard import actor_of, require_reader, require_writer
from strata_api.diffs import branch_diff_json
from strata_api.resources import Resources
from strata_core.errors import ValidationFailed
from strata_events import ConflictResolved
from strata_eventstore.records import PendingEvent
from strata_schema import diff_schemas

__all__ = ["diff_routes"]


@get("/api/diff/data", guards=[require_reader])
async def diff_data(state: State, branch: FromQuery[str]) -> Response[bytes]:
    return Response(await branch_diff_json(state["resources"], branch), media_type="application/json")


@get("/api/diff/schema", guards=[require_reader])
async def diff_schema(state: State, branch: FromQuery[str]) -> dict[str, Any]:
    """What the branch changed in the schema: its schema now against its origin's at the fork
    point, in the shape of `POST /api/schema/check`'s `diff` (empty for main)."""
    resources: Resources = state["resources"]
    ref = await resources.branches.resolve(branch)
    mine = await resources.schemas.current(ref)
    if ref.origin is None:
        base = mine
    else:
        await resources.wait_projected(ref.origin, ref.fork_seq)  # the origin's schema is read from the graph
        base = await resources.schemas.at(ref.origin, ref.fork_seq)
    return {
        "branch": ref.name, "from_schema_hash": base.schema_hash, "to_schema_hash": mine.schema_hash,
        "diff": diff_schemas(base, mine).to_api_dict(),
    }  # fmt: skip


@get("/api/diff/files", guards=[require_reader])
async def diff_files(state: State, branch: FromQuery[str]) -> dict[str, dict[str, Any]]:
    """Files changed per Git repository, as Infrahub answers: Strata keeps no repository
    content, so a known branch has none (`infrahubctl branch report` asks)."""
    ref = await state["resources"].branches.resolve(branch)
    return {ref.name: {}}


@get("/api/diff/artifacts", guards=[require_reader])
async def diff_artifacts(state: State, branch: FromQuery[str]) -> dict[str, Any]:
    """Artifacts changed by the branch, by id: Strata renders no artifacts, so none."""
    await state["resources"].branches.resolve(branch)
    return {}


@post("/api/diff/conflicts/{conflict_id:str}", guards=[require_writer], status_code=200)
async def resolve_conflict(request: Request[Any, Any, Any], state: State, conflict_id: FromPath[str], branch: FromQuery[str]) -> dict[str, Any]:
    """Body `{"keep": "branch" | "main"}`: recorded on the branch's stream, used at merge."""
    resources: Resources = state["resources"]
    body = await request.json()
    keep = body.get("keep") if isinstance(body, dict) else None
    if keep not in ("branch", "main"):
        raise ValidationFailed("keep: must be 'branch' or 'main'", field="keep")
    ref = await resources.branches.resolve(branch)
    changes = await resources.merges.changes.compute(ref, await resources.schemas.current(ref))
    if conflict_id not in {c.id for c in changes.conflicts}:
        raise ValidationFailed(f"conflict_id: {conflict_id} is not a conflict of branch {branch}", field="conflict_id")
    event = ConflictResolved(branch_id=ref.id, conflict_id=conflict_id, keep=keep)
    result = await resources.store.append(
        ref.id, [PendingEvent(resources.names.branch_event_subject(ref.id), event)],
        expected_head=None, actor=actor_of(request), operation="conflict.resolve",
    )  # fmt: skip
    await resources.wait_projected(ref.id, result.head_seq, appended=True)
    return {"ok": True, "conflict_id": conflict_id, "keep": keep}


diff_routes = [diff_data, diff_schema, diff_files, diff_artifacts, resolve_conflict]
