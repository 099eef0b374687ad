"""File objects (kinds inheriting `CoreFileObject`): the file a create or update carries is
stored in the object store first, under a new storage id, and the mutation's event for the
object then records its name, size, SHA-1, MIME type and storage id; those attributes are
read-only to clients. A refused mutation's file is deleted again. The download routes are in
`routes/files.py`."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence

import msgspec
import puremagic

from strata_eventstore.content_store import ContentStore
from strata_events import AttributeValue, NodeCreated, NodeUpdated
from strata_graphql.uploads import UploadedFile
from strata_mutations import NodeEvent

__all__ = ["StoredFile", "mime_type_of", "store_upload", "with_file"]

_UNKNOWN_TYPE = "application/octet-stream"


class StoredFile(msgspec.Struct, frozen=True, kw_only=True):
    storage_id: str
    file_name: str
    file_size: int
    checksum: str  # SHA-1, hex: what infrahub-sdk compares a local file with
    file_type: str

    def attributes(self) -> dict[str, AttributeValue]:
        return {name: AttributeValue(value=value) for name, value in msgspec.structs.asdict(self).items()}


def mime_type_of(content: bytes, file_name: str) -> str:
    """The MIME type the content's magic bytes say, else the one its name's extension says."""
    try:
        found = puremagic.from_string(content, mime=True) if content else ""
    except puremagic.PureError:
        found = ""
    return found or mimetypes.guess_type(file_name)[0] or _UNKNOWN_TYPE


async def store_upload(contents: ContentStore, upload: UploadedFile) -> StoredFile:
    """Store the uploaded file's content; returned once JetStream has it."""
    stored = await contents.put(upload.content)
    return StoredFile(
        storage_id=stored.identifier,
        file_name=upload.filename,
        file_size=len(upload.content),
        checksum=hashlib.sha1(upload.content, usedforsecurity=False).hexdigest(),
        file_type=mime_type_of(upload.content, upload.filename),
    )


def with_file(events: Sequence[NodeEvent], node_id: str, kind: str, stored: StoredFile) -> list[NodeEvent]:
    """`events` with the object's creation or update also recording `stored` (an update of its
    own when the mutation changed nothing else of the object)."""
    attributes = stored.attributes()
    out = list(events)
    for index, event in enumerate(out):
        if event.node_id == node_id and isinstance(event, (NodeCreated, NodeUpdated)):
            out[index] = msgspec.structs.replace(event, attributes={**event.attributes, **attributes})
            return out
    return [*out, NodeUpdated(node_id=node_id, kind=kind, attributes=attributes)]
