"""Task handlers, routed by task type through one explicit table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from neo4j import AsyncDriver

from strata_graph.maintenance import graph_digest

__all__ = ["HandlerContext", "HANDLERS"]


class HandlerContext:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database


async def _graph_digest(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """Digest of the read model, to compare replicas or a rebuild against the live graph."""
    return {"digest": await graph_digest(ctx.driver, ctx.database)}


Handler = Callable[[HandlerContext, dict[str, Any]], Awaitable[Any]]

HANDLERS: dict[str, Handler] = {
    "graph.digest": _graph_digest,
}
