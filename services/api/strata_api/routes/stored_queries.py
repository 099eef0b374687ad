"""REST: run a stored query (`CoreGraphQLQuery`) by id or name: `GET` takes its variables
from the query string, `POST` from the body's `variables` (see `strata_api.stored_queries`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath

from strata_api.resources import Resources
from strata_api.routes.graphql import graphql_context
from strata_api.stored_queries import run_stored_query
from strata_core.errors import ValidationFailed

__all__ = ["stored_query_routes"]

_OWN_PARAMETERS = frozenset({"branch", "at", "update_group", "subscribers"})


async def _run(request: Request[Any, Any, Any], state: State, query_id: str, variables: dict[str, Any]) -> dict[str, Any]:
    resources: Resources = state["resources"]
    params = request.query_params
    update_group = (params.get("update_group") or "false").lower()
    if update_group not in ("true", "false"):
        raise ValidationFailed("update_group: must be true or false", field="update_group")
    ctx = await graphql_context(resources, request, params.get("branch") or "main", params.get("at"))
    return await run_stored_query(resources, ctx, query_id, variables, update_group=update_group == "true",
                                  subscribers=list(params.getall("subscribers", [])))  # fmt: skip


@get("/api/query/{query_id:str}")
async def stored_query_get(request: Request[Any, Any, Any], state: State, query_id: FromPath[str]) -> dict[str, Any]:
    variables = {k: v for k, v in request.query_params.items() if k not in _OWN_PARAMETERS}
    return await _run(request, state, query_id, variables)


@post("/api/query/{query_id:str}", status_code=200)
async def stored_query_post(request: Request[Any, Any, Any], state: State, query_id: FromPath[str]) -> dict[str, Any]:
    body = await request.json() if await request.body() else {}
    variables = body.get("variables") if isinstance(body, dict) else None
    if variables is not None and not isinstance(variables, dict):
        raise ValidationFailed("variables: expected an object", field="variables")
    return await _run(request, state, query_id, variables or {})


stored_query_routes = [stored_query_get, stored_query_post]
