"""Root query fields that are not kinds: Branch, InfrahubInfo, InfrahubStatus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strata_api.resources import Resources
from strata_graphql.runtime.context import GraphQLContext

__all__ = ["INFRAHUB_COMPAT_VERSION", "root_resolvers"]

# The Infrahub release whose API Strata speaks (what InfrahubInfo.version reports).
INFRAHUB_COMPAT_VERSION = "1.5.0"

Root = Callable[[GraphQLContext, dict[str, Any]], Awaitable[Any]]


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
        # Strata runs no Infrahub-style background tasks for these operations: none to list.
        return {"count": 0, "edges": []}

    return {"InfrahubInfo": info, "InfrahubStatus": status, "Branch": branches, "InfrahubTask": tasks}
