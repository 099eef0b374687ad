"""Downloads of file objects (`file_objects.py`), where infrahub-sdk asks for them: by the
object's id, by its kind and hfid, or by the storage id of one of its uploads; on a branch
(`?branch=`, default main) and as of a time (`?at=`). The answer is the file's content, typed by
its MIME type and named by its `Content-Disposition` (`?preview=true`: shown inline)."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery

from strata_api.auth_guard import require_reader
from strata_api.branch_reading import BranchReading, read_branch
from strata_api.resources import Resources
from strata_api.state_reader import GraphStateReader
from strata_core.errors import ValidationFailed
from strata_mutations.errors import ObjectNotFound
from strata_mutations.records import NodeRecord
from strata_schema.constants import FILE_OBJECT_KIND

__all__ = ["file_routes"]

_PREFIX = "/api/storage/files"


@get(f"{_PREFIX}/by-hfid/{{kind:str}}", guards=[require_reader])
async def file_by_hfid(state: State, kind: FromPath[str], hfid: FromQuery[list[str]], branch: FromQuery[str] = "main",
                       at: FromQuery[str | None] = None, preview: FromQuery[bool] = False) -> Response[bytes]:  # fmt: skip
    reading = await read_branch(state["resources"], branch, at)
    if not _holds_files(reading, kind):
        raise ValidationFailed(f"kind: {kind!r} is not a file object kind (one inheriting {FILE_OBJECT_KIND})", field="kind")
    found = await GraphStateReader(reading.schema, reading.reader).find_by_hfid(kind, hfid)
    if found is None:
        raise ObjectNotFound(f"hfid: no {kind} {hfid!r} on branch {reading.ref.name}", field="hfid")
    return await _file_of(state["resources"], found, preview)


@get(f"{_PREFIX}/by-storage-id/{{storage_id:str}}", guards=[require_reader])
async def file_by_storage_id(state: State, storage_id: FromPath[str], branch: FromQuery[str] = "main",
                             at: FromQuery[str | None] = None, preview: FromQuery[bool] = False) -> Response[bytes]:  # fmt: skip
    reading = await read_branch(state["resources"], branch, at)
    holders = await GraphStateReader(reading.schema, reading.reader).find_by_values(FILE_OBJECT_KIND, {"storage_id": storage_id})
    if not holders:
        raise ObjectNotFound(f"storage_id: no file object holds {storage_id!r} on branch {reading.ref.name}",
                             field="storage_id")  # fmt: skip
    return await _file_of(state["resources"], holders[0], preview)


@get(f"{_PREFIX}/{{node_id:str}}", guards=[require_reader])
async def file_by_id(state: State, node_id: FromPath[str], branch: FromQuery[str] = "main",
                     at: FromQuery[str | None] = None, preview: FromQuery[bool] = False) -> Response[bytes]:  # fmt: skip
    reading = await read_branch(state["resources"], branch, at)
    found = (await GraphStateReader(reading.schema, reading.reader).get([node_id])).get(node_id)
    if found is None or not _holds_files(reading, found.kind):
        raise ObjectNotFound(f"node_id: no file object {node_id!r} on branch {reading.ref.name}", field="node_id")
    return await _file_of(state["resources"], found, preview)


def _holds_files(reading: BranchReading, kind: str) -> bool:
    return FILE_OBJECT_KIND in getattr(reading.schema.get(kind), "inherit_from", ())


async def _file_of(resources: Resources, record: NodeRecord, preview: bool) -> Response[bytes]:
    storage_id = record.value("storage_id")
    content = await resources.contents.get(storage_id) if isinstance(storage_id, str) else None
    if content is None:
        raise ObjectNotFound(f"storage_id: the file of {record.uid} is not in the object store", field="storage_id")
    name = str(record.value("file_name") or storage_id)
    headers = {"Content-Disposition": content_disposition(name, inline=preview)}
    return Response(content, media_type=str(record.value("file_type") or "application/octet-stream"), headers=headers)


def content_disposition(file_name: str, *, inline: bool = False) -> str:
    """The header naming the file: an ASCII `filename` for old clients beside the exact name
    (RFC 5987 `filename*`), without anything that could end the header or its parameter."""
    cleaned = re.sub(r"[\x00-\x1f\x7f]", "", file_name).replace('"', "'").replace(";", "_")[:255]
    ascii_name = cleaned.encode("ascii", errors="replace").decode("ascii").replace("?", "_")
    quoted = urllib.parse.quote(cleaned, safe="")
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


file_routes: list[Any] = [file_by_hfid, file_by_storage_id, file_by_id]
