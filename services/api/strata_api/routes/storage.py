"""The object store's REST endpoints, in the shape infrahub-sdk's `client.object_store` uses:
content uploaded as JSON, read back by its identifier (`strata_eventstore.content_store`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath

from strata_api.auth_guard import require_reader, require_writer
from strata_api.resources import Resources
from strata_core.errors import StrataError, ValidationFailed

__all__ = ["storage_routes"]


class ContentNotFound(StrataError):
    code = "node.not_found"  # a 404, as for an unknown object


@post("/api/storage/upload/content", guards=[require_writer], status_code=200)
async def upload_content(request: Request[Any, Any, Any], state: State) -> dict[str, str]:
    """`{"content": "<text>"}` → `{"identifier", "checksum"}` (MD5 of the content's UTF-8)."""
    body = await request.json()
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, str):
        raise ValidationFailed("content: expected a string (the text to store)", field="content")
    resources: Resources = state["resources"]
    stored = await resources.contents.put(content.encode())
    return {"identifier": stored.identifier, "checksum": stored.checksum}


@get("/api/storage/object/{identifier:str}", guards=[require_reader])
async def get_content(state: State, identifier: FromPath[str]) -> Response[bytes]:
    resources: Resources = state["resources"]
    content = await resources.contents.get(identifier)
    if content is None:
        raise ContentNotFound(f"identifier: no stored content {identifier!r}", field="identifier")
    return Response(content, media_type="text/plain; charset=utf-8")


storage_routes = [upload_content, get_content]
