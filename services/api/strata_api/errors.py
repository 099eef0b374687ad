"""Errors to HTTP answers, in one table (house rule 12). Unknown errors become a generic 500."""

from __future__ import annotations

from typing import Any

import nats.errors
import neo4j.exceptions
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException

from strata_core.errors import StoreUnavailable, StrataError
from strata_service.schema_service import SchemaRefused

__all__ = ["STATUS_BY_CODE", "MalformedRequest", "exception_handlers"]

_log = structlog.get_logger("strata.api")

STATUS_BY_CODE: dict[str, int] = {
    "branch.not_found": 404,
    "branch.unknown": 400,
    "node.not_found": 404,
    "branch.conflict": 409,
    "validation.failed": 422,
    "schema.invalid": 422,
    "batch.too_large": 413,
    "store.unavailable": 503,
    "auth.required": 401,
    "auth.invalid": 401,
    "auth.forbidden": 403,
    "lock.held": 409,
    "request.malformed": 400,
    "auth.throttled": 429,
}


def _strata_error(request: Request[Any, Any, Any], exc: StrataError) -> Response[Any]:
    status = STATUS_BY_CODE.get(exc.code, 500)
    body: dict[str, Any] = {
        "type": exc.code,
        "title": exc.code,
        "status": status,
        "detail": exc.message,
        "errors": [{"message": exc.message, "extensions": {"code": exc.code}}],
    }
    if isinstance(exc.details.get("errors"), list):  # several, each with its own message (a stored query's)
        body["errors"] = [{**e, "extensions": {"code": exc.code}} for e in exc.details["errors"]]
    if isinstance(exc, SchemaRefused):
        body["detail"] = [e.api_detail() for e in exc.error.errors]
        body["errors"] = [{"message": str(e), "extensions": {"code": e.code}} for e in exc.error.errors]
    headers = {"Retry-After": str(exc.details["retry_after"])} if "retry_after" in exc.details else None
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return Response(
        {"detail": exc.detail, "errors": [{"message": exc.detail}]},
        status_code=exc.status_code,
        media_type="application/json",
    )


class MalformedRequest(StrataError):
    """The body is not JSON, or not UTF-8: the client's mistake, never a 500."""

    code = "request.malformed"


def _undecodable_body(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # request.json() raises SerializationException for bad JSON, UnicodeDecodeError for bytes
    # that are not UTF-8 inside a JSON string and RecursionError for arrays or objects nested
    # thousands deep: all the body's fault.
    if isinstance(exc, RecursionError):
        _log.warning("request_nested_too_deeply", path=request.url.path)
        return _strata_error(request, MalformedRequest("body: JSON nested too deeply"))
    reason = "not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else "not valid JSON"
    return _strata_error(request, MalformedRequest(f"body: {reason} ({exc})"))


def _store_down(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # NATS or Neo4j unreachable or restarting (outside a mutation, which wraps these itself)
    _log.warning("store_unavailable", path=request.url.path, error=type(exc).__name__)
    return _strata_error(request, StoreUnavailable(f"the event store or the graph is unavailable, retry later ({type(exc).__name__})"))


def _unknown_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    _log.exception("unhandled_error", path=request.url.path)
    return Response(
        {"detail": "internal error", "errors": [{"message": "internal error"}]},
        status_code=500,
        media_type="application/json",
    )


exception_handlers: Any = {
    StrataError: _strata_error,
    HTTPException: _http_error,
    SerializationException: _undecodable_body,
    UnicodeDecodeError: _undecodable_body,
    RecursionError: _undecodable_body,
    nats.errors.Error: _store_down,
    neo4j.exceptions.ServiceUnavailable: _store_down,
    neo4j.exceptions.SessionExpired: _store_down,
    neo4j.exceptions.TransientError: _store_down,
    Exception: _unknown_error,
}
