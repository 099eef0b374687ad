"""Branch root mutations: BranchCreate, BranchDelete (merge, rebase and validate: issue 5)."""

from __future__ import annotations

from typing import Any

from strata_api.resources import Resources
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext

__all__ = ["BRANCH_MUTATIONS", "run_branch_mutation"]

BRANCH_MUTATIONS = {"BranchCreate", "BranchDelete"}


async def _branch_object(resources: Resources, name: str) -> dict[str, Any] | None:
    for branch in await resources.branch_listing():
        if branch["name"] == name:
            return branch
    return None


async def run_branch_mutation(resources: Resources, ctx: GraphQLContext, field: str, args: dict[str, Any]) -> Any:
    data = args.get("data") or {}
    name = data.get("name")
    if not isinstance(name, str):
        raise ValidationFailed("data.name: a branch name is required", field="name")
    if field == "BranchCreate":
        ref, main_seq, mutation_id = await resources.branch_service.create(
            name,
            description=data.get("description") or "",
            sync_with_git=bool(data.get("sync_with_git")),
            actor=ctx.actor,
        )
        await resources.wait_projected("main", main_seq)
        # creation is synchronous: the "task" is the completed mutation that created the branch
        return {"ok": True, "object": await _branch_object(resources, ref.name), "task": {"id": mutation_id}}
    if field == "BranchDelete":
        seq = await resources.branch_service.delete(name, actor=ctx.actor)
        await resources.wait_projected("main", seq)
        return {"ok": True}
    raise ValidationFailed(f"{field} is not supported yet")
