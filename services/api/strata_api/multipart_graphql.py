"""A GraphQL request sent as multipart/form-data (the GraphQL multipart request spec, as
infrahub-sdk sends a file object's create or update): the `operations` part is the request's
JSON body, the `map` part names, per file part, the variables that file fills."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from strata_core.errors import ValidationFailed
from strata_graphql.uploads import UploadedFile

__all__ = ["graphql_body"]


async def graphql_body(request: Request[Any, Any, Any]) -> Any:
    """The request's GraphQL body: its JSON, or a multipart request's operations with each
    mapped file in the variables it is mapped to."""
    if request.content_type[0] != "multipart/form-data":
        return await request.json()
    form = await request.form()
    operations = _json_part(form.get("operations"), "operations")
    mapping = _json_part(form.get("map"), "map")
    if not isinstance(operations, dict):
        raise ValidationFailed("operations: expected a JSON object (the GraphQL request)", field="operations")
    if not isinstance(mapping, dict):
        raise ValidationFailed("map: expected a JSON object of file parts to variable paths", field="map")
    for key, paths in mapping.items():
        part = form.get(key)
        if not isinstance(part, UploadFile):
            raise ValidationFailed(f"map: {key!r} names no file part of the request", field="map")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise ValidationFailed(f"map.{key}: expected a list of variable paths such as 'variables.file'", field="map")
        uploaded = UploadedFile(filename=part.filename or key, content=await part.read(), content_type=part.content_type)
        for path in paths:
            _place(operations, path, uploaded)
    return operations


def _json_part(part: Any, name: str) -> Any:
    if not isinstance(part, str):
        raise ValidationFailed(f"{name}: a multipart GraphQL request needs a '{name}' field holding JSON", field=name)
    try:
        return msgspec.json.decode(part)
    except msgspec.DecodeError as exc:
        raise ValidationFailed(f"{name}: not valid JSON ({exc})", field=name) from None


def _place(operations: dict[str, Any], path: str, uploaded: UploadedFile) -> None:
    """Put `uploaded` where `path` (`variables.<name>[.<index or key>...]`) points."""
    steps = path.split(".")
    if len(steps) < 2 or steps[0] != "variables":
        raise ValidationFailed(f"map: {path!r} is not a path into the variables ('variables.<name>')", field="map")
    holder: Any = operations.setdefault("variables", {})
    for step in steps[1:-1]:
        holder = _child(holder, step, path)
    last = steps[-1]
    if isinstance(holder, dict):
        holder[last] = uploaded
    elif isinstance(holder, list) and last.isdigit() and int(last) < len(holder):
        holder[int(last)] = uploaded
    else:
        raise ValidationFailed(f"map: {path!r} names no place in the variables", field="map")


def _child(holder: Any, step: str, path: str) -> Any:
    if isinstance(holder, dict) and step in holder:
        return holder[step]
    if isinstance(holder, list) and step.isdigit() and int(step) < len(holder):
        return holder[int(step)]
    raise ValidationFailed(f"map: {path!r} names no place in the variables", field="map")
