"""Branch root mutations: BranchCreate, BranchUpdate, BranchDelete, BranchMerge, BranchRebase,
BranchValidate, DiffUpdate."""

from __future__ import annotations

from typing import Any

from strata_api.resources import Resources, branch_object
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext

__all__ = ["BRANCH_MUTATIONS", "run_branch_mutation"]

BRANCH_MUTATIONS = {"BranchCreate", "BranchUpdate", "BranchDelete", "BranchMerge", "BranchRebase", "BranchValidate", "DiffUpdate"}


async def _branch_object(resources: Resources, name: str) -> dict[str, Any] | None:
    found = await resources.branch_listing(name)
    return found[0] if found else None


async def run_branch_mutation(resources: Resources, ctx: GraphQLContext, field: str, args: dict[str, Any]) -> Any:
    data = args.get("data") or {}
    if field == "DiffUpdate":
        # diffs are computed from the log on each read; there is nothing to refresh
        await resources.branches.resolve(str(data.get("branch") or data.get("name") or "main"))
        return {"ok": True}
    name = data.get("name")
    if not isinstance(name, str):
        raise ValidationFailed("data.name: a branch name is required", field="name")
    if field == "BranchCreate":
        description, sync_with_git = data.get("description") or "", bool(data.get("sync_with_git"))
        ref, _, mutation_id = await resources.branch_service.create(
            name, description=description, sync_with_git=sync_with_git, actor=ctx.actor
        )
        # Answered from the event, without waiting for the projector: any later request naming
        # the branch waits for it (`BranchDirectory`). The "task" is the completed mutation.
        created = branch_object({
            "id": ref.id, "name": ref.name, "description": description, "origin": ref.origin, "fork_time": ref.fork_time,
            "sync_with_git": sync_with_git, "has_schema_changes": False, "merged_seq": None,
        })  # fmt: skip
        return {"ok": True, "object": created, "task": {"id": mutation_id}}
    if field == "BranchUpdate":
        if data.get("is_isolated") is False:
            raise ValidationFailed("data.is_isolated: a Strata branch is always isolated from later changes of main",
                                   field="is_isolated")  # fmt: skip
        description = data.get("description")
        if description is None:  # nothing else of a branch can change: nothing to record
            await resources.branches.resolve(name)
            return {"ok": True}
        seq = await resources.branch_service.update(name, description=description, actor=ctx.actor)
        await resources.wait_projected("main", seq, appended=True)
        return {"ok": True}
    if field == "BranchDelete":
        seq = await resources.branch_service.delete(name, actor=ctx.actor)
        await resources.wait_projected("main", seq, appended=True)
        return {"ok": True}
    ref = await resources.branches.resolve(name)
    schema = await resources.schemas.current(ref)
    # diffs, merges and rebases read both sides from the graph: let it catch up with both heads
    await resources.wait_projected("main", await resources.store.head("main"))
    if ref.id != "main":
        await resources.wait_projected(ref.id, await resources.store.head(ref.id))
    if field == "BranchValidate":
        if ref.id == "main":
            raise ValidationFailed("The branch main cannot be validated against itself", field="name")
        changes = await resources.merges.changes.compute(ref, schema)
        return {"ok": not changes.open_conflicts, "object": await _branch_object(resources, name)}
    if field == "BranchMerge":
        main_schema = await resources.schemas.current(await resources.branches.resolve("main"))
        seq = await resources.merges.merge(ref, schema, main_schema, merged_seq=ref.merged_seq, actor=ctx.actor)
        await resources.wait_projected("main", seq, appended=True)
        return {"ok": True, "object": await _branch_object(resources, name)}
    if field == "BranchRebase":
        seq = await resources.merges.rebase(ref, schema, actor=ctx.actor)
        await resources.wait_projected(ref.id, seq, appended=True)
        return {"ok": True, "object": await _branch_object(resources, name)}
    raise ValidationFailed(f"{field} is not supported")
