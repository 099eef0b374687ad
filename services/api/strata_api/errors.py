"""Errors to HTTP answers, in one table (house rule 12). Unknown errors become a generic 500."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException

from strata_core.errors import StrataError
from strata_service.schema_service import SchemaRefused

__all__ = ["STATUS_BY_CODE", "exception_handlers"]

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
    if isinstance(exc, SchemaRefused):
        body["detail"] = [e.api_detail() for e in exc.error.errors]
        body["errors"] = [{"message": str(e), "extensions": {"code": e.code}} for e in exc.error.errors]
    return Response(body, status_code=status, media_type="application/json")


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return Response(
        {"detail": exc.detail, "errors": [{"message": exc.detail}]},
        status_code=exc.status_code,
        media_type="application/json",
    )


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
    Exception: _unknown_error,
}
