"""Schema REST endpoints, in the shape infrahub-sdk and infrahubctl use."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery

from strata_api.auth_guard import actor_of, require_reader, require_writer
from strata_api.resources import Resources
from strata_api.schema_changes import change_schema
from strata_core.errors import BranchNotFound, StrataError, ValidationFailed
from strata_schema import BranchSchema
from strata_service.branches import BranchRef

__all__ = ["schema_routes"]


def _resources(state: State) -> Resources:
    resources: Resources = state["resources"]
    return resources


class UnknownBranchRequested(StrataError):
    """Infrahub answers 400 for a schema request on an unknown branch; the SDK relies on it."""

    code = "branch.unknown"


async def _schema_for(state: State, branch: str) -> tuple[Resources, BranchSchema, BranchRef]:
    resources = _resources(state)
    try:
        ref = await resources.branches.resolve(branch)
    except BranchNotFound as exc:
        raise UnknownBranchRequested(f"Branch: {branch} not found.", branch=branch) from exc
    return resources, await resources.schemas.current(ref), ref


@get("/api/schema", guards=[require_reader])
async def get_schema(
    state: State, branch: FromQuery[str] = "main", namespaces: FromQuery[list[str] | None] = None
) -> dict[str, Any]:
    _, schema, _ = await _schema_for(state, branch)
    return schema.to_api_dict(namespaces)


@get("/api/schema/summary", guards=[require_reader])
async def get_schema_summary(state: State, branch: FromQuery[str] = "main") -> dict[str, Any]:
    _, schema, _ = await _schema_for(state, branch)
    api = schema.to_api_dict()
    summary: dict[str, Any] = {"main": api["main"]}
    for group in ("nodes", "generics", "profiles", "templates"):
        summary[group] = {item["kind"]: item.get("hash", "") for item in api.get(group, [])}
    return summary


@get("/api/schema/{kind:str}", guards=[require_reader])
async def get_schema_kind(state: State, kind: FromPath[str], branch: FromQuery[str] = "main") -> dict[str, Any]:
    _, schema, _ = await _schema_for(state, branch)
    api = schema.to_api_dict()
    for group in ("nodes", "generics", "profiles", "templates"):
        for item in api.get(group, []):
            if item["kind"] == kind:
                found: dict[str, Any] = item
                return found
    raise ValidationFailed(f"Unable to find the schema {kind!r} in the registry", kind=kind)


def _documents(body: Any) -> list[tuple[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("schemas"), list):
        raise ValidationFailed("body: expected an object with a list field 'schemas'")
    return [(f"schemas[{i}]", doc) for i, doc in enumerate(body["schemas"])]


@post("/api/schema/load", guards=[require_writer], status_code=200)
async def load_schema(request: Request[Any, Any, Any], state: State, branch: FromQuery[str] = "main") -> dict[str, Any]:
    resources, _, ref = await _schema_for(state, branch)
    documents = _documents(await request.json())
    result = await change_schema(resources, ref, lambda current: current.load(documents), actor_of(request))
    return {"hash": result.hash, "previous_hash": result.previous_hash, "warnings": result.warnings}


@post("/api/schema/check", status_code=202)
async def check_schema(request: Request[Any, Any, Any], state: State, branch: FromQuery[str] = "main") -> dict[str, Any]:
    resources, _, ref = await _schema_for(state, branch)
    outcome = await resources.schemas.check(ref, _documents(await request.json()))
    return {"diff": outcome.diff.to_api_dict()}


@get("/schema.graphql", media_type="text/plain", guards=[require_reader])
async def get_schema_sdl(state: State, branch: FromQuery[str] = "main") -> Response[str]:
    from strata_graphql.sdl import build_sdl

    _, schema, _ = await _schema_for(state, branch)
    return Response(build_sdl(schema), media_type="text/plain")


schema_routes = [get_schema, get_schema_summary, get_schema_kind, load_schema, check_schema, get_schema_sdl]
