"""GraphQL endpoints: POST /graphql[/<branch>] (Infrahub's dialect), GET /graphql (GraphiQL)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import msgspec
import nats.errors
import neo4j.exceptions
import structlog
from graphql import ExecutionResult, GraphQLError
from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.params import FromPath

from strata_api.multipart_graphql import graphql_body
from strata_api.bulk_requests import run_bulk_request
from strata_api.auth_guard import actor_of
from strata_api.branch_reading import read_branch
from strata_api.graphql_roots import root_resolvers
from strata_api.idempotency import IDEMPOTENCY_HEADER
from strata_api.mutations import ApiMutations, AuthRequired
from strata_api.resources import Resources
from strata_core.errors import StoreUnavailable, StrataError, ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.executor import execute_document

__all__ = ["error_entry", "graphql_context", "graphql_routes"]

_log = structlog.get_logger("strata.api")

_GRAPHIQL = """<!doctype html><html><head><title>Strata GraphiQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql/graphiql.min.css"/></head>
<body style="margin:0"><div id="graphiql" style="height:100vh"></div>
<script crossorigin src="https://unpkg.com/react/umd/react.production.min.js"></script>
<script crossorigin src="https://unpkg.com/react-dom/umd/react-dom.production.min.js"></script>
<script crossorigin src="https://unpkg.com/graphiql/graphiql.min.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({url: window.location.pathname});
ReactDOM.render(React.createElement(GraphiQL, {fetcher}), document.getElementById('graphiql'));
</script></body></html>"""


_STORE_DOWN = (nats.errors.Error, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)


def error_entry(error: GraphQLError) -> dict[str, Any]:
    entry: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, StrataError):
        entry["message"] = original.message
        entry.setdefault("extensions", {})["code"] = original.code
        if original.details.get("errors"):
            entry["extensions"]["errors"] = original.details["errors"]
    elif isinstance(original, _STORE_DOWN):
        # a read that met NATS or Neo4j down or restarting: the client may retry
        _log.warning("graphql_store_unavailable", path=entry.get("path"), error=repr(original))
        entry["message"] = "the event store or the graph is unavailable, retry later"
        entry.setdefault("extensions", {})["code"] = StoreUnavailable.code
    elif original is not None and not isinstance(original, (ValueError, PermissionError, LookupError, GraphQLError)):
        _log.error("graphql_resolver_failed", path=entry.get("path"), error=repr(original),
                   exc_info=(type(original), original, original.__traceback__))  # fmt: skip
        entry["message"] = "internal error"
    return entry


async def graphql_context(
    resources: Resources, request: Request[Any, Any, Any], branch: str, at_text: str | None
) -> GraphQLContext:
    """The context a GraphQL document of `request` runs in on `branch` (as of `at_text`)."""
    actor = actor_of(request)
    if actor is None and not resources.settings.anonymous_read:
        raise AuthRequired("Authentication is required (anonymous reads are disabled)")
    reading = await read_branch(resources, branch, at_text)
    return GraphQLContext(
        schema=reading.schema,
        reader=reading.reader,
        branch_name=reading.ref.name,
        branch_id=reading.ref.id,
        actor=actor,
        mutations=None if at_text else ApiMutations(resources, request.headers.get(IDEMPOTENCY_HEADER)),  # the past is read-only
        roots=root_resolvers(resources),
    )


async def _run(request: Request[Any, Any, Any], state: State, branch: str) -> Response[Any]:
    resources: Resources = state["resources"]
    body = await graphql_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise ValidationFailed("body: expected an object with a string field 'query'", field="query")
    if body.get("variables") is not None and not isinstance(body["variables"], dict):
        raise ValidationFailed("variables: expected an object (or null)", field="variables")
    if body.get("operationName") is not None and not isinstance(body["operationName"], str):
        raise ValidationFailed("operationName: expected a string (or null)", field="operationName")
    at_text = request.query_params.get("at")
    idempotency_key = request.headers.get(IDEMPOTENCY_HEADER)
    ctx = await graphql_context(resources, request, branch, at_text)
    query, variables, operation = body["query"], body.get("variables"), body.get("operationName")
    result = None if at_text else await run_bulk_request(
        resources, ctx, query, variables, operation, idempotency_key=idempotency_key
    )
    if result is None:
        result = await execute_document(
            resources.graphql_cache, ctx, query, variables, operation, documents=resources.graphql_documents
        )
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error_entry(e) for e in result.errors]
    # The result and the context's rows are freed once the response is sent, not before: for
    # a list of 1,000 objects, freeing them (~50,000 small objects) took ~7 ms of its latency.
    return Response(msgspec.json.encode(payload), media_type="application/json",
                    background=BackgroundTask(_release_after_sending, result, ctx))  # fmt: skip


def _release_after_sending(*_held: object) -> None:
    """Holds its arguments until the response is on its way (the task runs after it)."""


@post("/graphql", status_code=200)
async def graphql_main(request: Request[Any, Any, Any], state: State) -> Response[Any]:
    return await _run(request, state, "main")


@post("/graphql/{branch:path}", status_code=200)
async def graphql_branch(request: Request[Any, Any, Any], state: State, branch: FromPath[str]) -> Response[Any]:
    return await _run(request, state, unquote(branch.lstrip("/")))


@get("/graphql", media_type="text/html")
async def graphiql() -> str:
    return _GRAPHIQL


graphql_routes = [graphql_main, graphql_branch, graphiql]
