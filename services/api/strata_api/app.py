"""Builds the Litestar application from already-connected resources."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State

from strata_api.auth_guard import AuthenticationMiddleware
from strata_api.errors import exception_handlers
from strata_api.resources import Resources
from strata_api.routes.auth import auth_routes
from strata_api.routes.diff import diff_routes
from strata_api.routes.graphql import graphql_routes
from strata_api.observability import ObservabilityMiddleware
from strata_api.routes.history import history_routes
from strata_api.routes.stored_queries import stored_query_routes
from strata_api.routes.metrics import LagGauges, metrics_routes
from strata_api.routes.schema import schema_routes
from strata_api.routes.files import file_routes
from strata_api.routes.storage import storage_routes
from strata_api.routes.subscriptions import subscription_routes
from strata_api.routes.webhooks import webhook_routes

__all__ = ["create_app"]


@get("/api/health", sync_to_thread=False)
def health() -> dict[str, Any]:
    return {"status": "ok"}


def create_app(resources: Resources) -> Litestar:
    return Litestar(
        route_handlers=[health, *auth_routes, *schema_routes, *graphql_routes, *history_routes, *stored_query_routes,
                        *diff_routes, *webhook_routes, *subscription_routes, *metrics_routes, *storage_routes,
                        *file_routes],
        state=State({**resources.as_state(), "lag_gauges": LagGauges()}),
        on_startup=[resources.start],
        on_shutdown=[resources.stop],
        middleware=[ObservabilityMiddleware(), AuthenticationMiddleware()],
        exception_handlers=exception_handlers,
        request_max_body_size=resources.settings.max_request_body_bytes,
    )
