"""Login and token refresh, as infrahub-sdk calls them."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.datastructures import State

from strata_core.errors import ValidationFailed

__all__ = ["auth_routes"]


@post("/api/auth/login", status_code=200)
async def login(request: Request[Any, Any, Any], state: State) -> dict[str, str]:
    body = await request.json()
    if not isinstance(body, dict) or not isinstance(body.get("username"), str) or not isinstance(body.get("password"), str):
        raise ValidationFailed("body: 'username' and 'password' (strings) are required")
    client = request.client.host if request.client else ""
    tokens: dict[str, str] = await state["resources"].auth.login(body["username"], body["password"], client)
    return tokens


@post("/api/auth/refresh", status_code=200)
async def refresh(request: Request[Any, Any, Any], state: State) -> dict[str, str]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise ValidationFailed("header Authorization: a 'Bearer <refresh token>' is required")
    tokens: dict[str, str] = state["resources"].auth.refresh(header[7:].strip())
    return tokens


auth_routes = [login, refresh]
