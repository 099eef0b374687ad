"""Per-request observability: request and correlation ids, a server span, latency metrics.

Every HTTP request gets a fresh request id; its correlation id is the caller's
`X-Correlation-Id` when that is a valid id, else the request id. Both are bound to the log
context and returned as response headers; the correlation id is also written on every event the
request appends (strata_core.correlation), and the server span is the parent of the append span,
whose `traceparent` travels on the events to the projector.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from strata_core.correlation import correlated, valid_correlation_id
from strata_core.metrics import REQUEST_LATENCY
from strata_core.tracing import context_from_headers

__all__ = ["CORRELATION_HEADER", "REQUEST_ID_HEADER", "ObservabilityMiddleware"]

REQUEST_ID_HEADER = "x-request-id"
CORRELATION_HEADER = "x-correlation-id"

_log = structlog.get_logger("strata.api")
_QUIET_ROUTES = frozenset({"/metrics", "/api/health"})  # scraped and probed every few seconds
_tracer = trace.get_tracer("strata.api")


class ObservabilityMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        request_id = uuid.uuid4().hex
        offered = headers.get(CORRELATION_HEADER)
        correlation_id = offered if offered is not None and valid_correlation_id(offered) else request_id
        method = str(scope.get("method", "GET"))
        route = str(scope.get("path_template") or scope.get("path", ""))
        status = {"code": 500}
        extra = [(REQUEST_ID_HEADER.encode(), request_id.encode()), (CORRELATION_HEADER.encode(), correlation_id.encode())]

        async def send_with_ids(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        started = time.perf_counter()
        parent = context_from_headers({"traceparent": headers["traceparent"]} if "traceparent" in headers else None)
        with (
            correlated(correlation_id, request_id=request_id),
            _tracer.start_as_current_span(f"{method} {route}", context=parent, kind=SpanKind.SERVER) as span,
        ):
            _set_request_attributes(span, method, route, request_id, correlation_id)
            try:
                await next_app(scope, receive, send_with_ids)
            finally:
                elapsed = time.perf_counter() - started
                span.set_attribute("http.response.status_code", status["code"])
                if status["code"] >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                REQUEST_LATENCY.labels(method=method, route=route, status=str(status["code"])).observe(elapsed)
                log = _log.debug if route in _QUIET_ROUTES and status["code"] < 400 else _log.info
                log("request_finished", method=method, route=route, status=status["code"],
                    duration_ms=round(elapsed * 1000, 2))  # fmt: skip


def _set_request_attributes(span: Any, method: str, route: str, request_id: str, correlation_id: str) -> None:
    span.set_attribute("http.request.method", method)
    span.set_attribute("http.route", route)
    span.set_attribute("strata.request_id", request_id)
    span.set_attribute("strata.correlation_id", correlation_id)
