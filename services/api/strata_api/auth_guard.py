"""Who is calling: an API token (`X-INFRAHUB-KEY`) or a JWT (`Authorization: Bearer`)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from strata_service.auth import Actor

__all__ = ["AuthenticationMiddleware", "actor_of", "require_reader", "require_writer"]


class AuthenticationMiddleware(ASGIMiddleware):
    """Resolves the caller before routing and guards; bad credentials are refused here."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] == ScopeType.HTTP:
            await _authenticate(Request(scope, receive, send))
        await next_app(scope, receive, send)


async def _authenticate(request: Request[Any, Any, Any]) -> None:
    resources = request.app.state["resources"]
    actor: Actor | None = None
    token = request.headers.get("x-infrahub-key")
    bearer = request.headers.get("authorization", "")
    if token:
        actor = await resources.auth.actor_from_api_token(token)
    elif bearer.lower().startswith("bearer ") and request.url.path != "/api/auth/refresh":
        actor = resources.auth.actor_from_jwt(bearer[7:].strip())
    request.scope["strata_actor"] = actor.account_id if actor else None  # type: ignore[typeddict-unknown-key]  # our own scope key


def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    actor: str | None = connection.scope.get("strata_actor")  # type: ignore[assignment]  # set by authenticate
    return actor


def require_writer(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if actor_of(connection) is None:
        raise NotAuthorizedException("Authentication is required to perform this operation")


def require_reader(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if actor_of(connection) is None and not connection.app.state["resources"].settings.anonymous_read:
        raise NotAuthorizedException("Authentication is required")
