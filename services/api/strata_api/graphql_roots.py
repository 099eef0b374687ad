"""Root query fields that are not kinds: Branch, InfrahubInfo, InfrahubStatus, InfrahubTask,
DiffTree, InfrahubGraphQLQueryReport, Relationship, InfrahubIP*GetNextAvailable, AccountProfile,
InfrahubResourcePoolAllocated, InfrahubResourcePoolUtilization, InfrahubPathTraversal,
InfrahubReachableNodes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strata_api.diffs import branch_diff
from strata_api.graph_traversal import path_traversal, reachable_nodes
from strata_api.ip_next_available import next_available_address, next_available_prefix
from strata_api.pool_allocated import pool_allocated
from strata_api.pool_utilization import pool_utilization
from strata_api.relationship_root import relationships_by_identifier
from strata_api.mutations import AuthRequired
from strata_api.resources import Resources
from strata_core.errors import StrataError
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.query_report import targets_unique_nodes
from strata_graphql.runtime.resolvers import shape_rows
from strata_mutations.errors import ObjectNotFound
from strata_graph.driver import read_records

__all__ = ["INFRAHUB_COMPAT_VERSION", "root_resolvers"]

# The Infrahub release whose API Strata speaks (what InfrahubInfo.version reports).
INFRAHUB_COMPAT_VERSION = "1.5.0"

_LIST_COMMITS = """
MATCH (c:Commit) WHERE $ids IS NULL OR c.mutation_id IN $ids
WITH c ORDER BY c.time DESC, c.branch, c.seq DESC
WITH collect(c) AS commits
RETURN size(commits) AS total,
       [c IN commits[$offset..($offset + $limit)] | {id: c.mutation_id, branch: c.branch, seq: c.seq,
        operation: c.operation, actor: c.actor, time: toString(c.time), event_count: c.event_count}] AS page
"""

def _commit_log(commit: dict[str, Any]) -> dict[str, Any]:
    """The one log line a committed mutation has: what was stored, where, by whom."""
    message = (
        f"{commit['operation'] or 'mutation'} committed {commit['event_count']} event(s) on "
        f"{commit['branch']} at sequence {commit['seq']} by {commit['actor'] or 'system'}"
    )
    node = {"id": f"{commit['id']}-1", "message": message, "severity": "info",
            "task_id": commit["id"], "timestamp": commit["time"]}  # fmt: skip
    return {"count": 1, "edges": [{"node": node}]}


Root = Callable[[GraphQLContext, dict[str, Any]], Awaitable[Any]]

# Root fields of the static schema Strata does not answer yet: a clear error, not a null where
# the schema promises a value (which graphql-core turns into an internal error).
UNSUPPORTED_ROOTS: tuple[str, ...] = ()


class Unsupported(StrataError):
    code = "feature.unsupported"


def _unsupported(field: str) -> Root:
    async def refuse(ctx: GraphQLContext, args: dict[str, Any]) -> None:
        raise Unsupported(f"{field} is not supported by Strata yet", field=field)

    return refuse


def root_resolvers(resources: Resources) -> dict[str, Root]:
    async def info(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
        return {"version": INFRAHUB_COMPAT_VERSION, "deployment_id": resources.deployment_id}

    async def status(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
        return {"summary": {"schema_hash_synced": True, "branches": {}}, "workers": {"edges": []}}

    async def branches(ctx: GraphQLContext, args: dict[str, Any]) -> list[dict[str, Any]]:
        found = await resources.branch_listing()
        if args.get("name"):
            found = [b for b in found if b["name"] == args["name"]]
        if args.get("ids"):
            found = [b for b in found if b["id"] in set(args["ids"])]
        return found

    async def tasks(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
        """Every committed mutation is a completed task (mutations are atomic and synchronous)."""
        states = args.get("state")
        if states and "COMPLETED" not in [getattr(st, "value", st) for st in states]:
            return {"count": 0, "edges": []}
        ids = args.get("ids") or None

        async def commits() -> dict[str, Any]:
            found = await read_records(
                resources.driver, resources.settings.neo4j_database, _LIST_COMMITS,
                ids=ids, offset=int(args.get("offset") or 0), limit=min(int(args.get("limit") or 1_000_000), 1_000_000),
            )  # fmt: skip
            return dict(found[0])

        row = await commits()
        if ids and int(row["total"]) < len(set(ids)):
            # BranchCreate answers its task id before the projector has written the commit on
            # main: a task asked for by id is looked for again once main is projected
            await resources.wait_projected("main", await resources.store.head("main"))
            row = await commits()
        edges = [{"node": {
            "id": c["id"], "title": c["operation"] or "mutation", "conclusion": "success",
            "state": "COMPLETED", "progress": 1.0, "workflow": c["operation"], "branch": c["branch"],
            "created_at": c["time"], "updated_at": c["time"], "start_time": c["time"],
            "parameters": {"actor": c["actor"], "seq": c["seq"]}, "tags": [], "related_nodes": [],
            "logs": _commit_log(c),
        }} for c in row["page"]]  # fmt: skip
        return {"count": int(row["total"]), "edges": edges}

    async def diff(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any] | None:
        return await branch_diff(resources, args.get("branch") or ctx.branch_name)

    async def diff_summary(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any] | None:
        return await branch_diff(resources, args.get("branch") or ctx.branch_name, summary=True)

    async def account_profile(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's account, as any object of its kind (its groups, their roles, …)."""
        if ctx.actor is None:
            raise AuthRequired("AccountProfile: authentication is required to read the caller's account")
        row = await ctx.reader.get(ctx.actor)
        if row is None:
            raise ObjectNotFound(f"AccountProfile: no account {ctx.actor!r}", field="AccountProfile")
        return (await shape_rows(ctx, [row]))[0]

    async def query_report(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
        return {"targets_unique_nodes": targets_unique_nodes(str(args["query"]), ctx.schema)}

    async def utilization(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
        return await pool_utilization(resources, ctx, args)

    unsupported: dict[str, Root] = {name: _unsupported(name) for name in UNSUPPORTED_ROOTS}
    return {**unsupported, "InfrahubInfo": info, "InfrahubStatus": status, "Branch": branches,
            "InfrahubTask": tasks, "DiffTree": diff, "DiffTreeSummary": diff_summary,
            "InfrahubGraphQLQueryReport": query_report, "Relationship": relationships_by_identifier,
            "InfrahubIPPrefixGetNextAvailable": next_available_prefix,
            "InfrahubIPAddressGetNextAvailable": next_available_address, "AccountProfile": account_profile,
            "InfrahubResourcePoolAllocated": pool_allocated, "InfrahubPathTraversal": path_traversal,
            "InfrahubReachableNodes": reachable_nodes, "InfrahubResourcePoolUtilization": utilization}  # fmt: skip
