"""Stored content (Infrahub's object store: rendered artifacts, transform output, uploads) in a
JetStream object store bucket, `<prefix>_OBJECTS`.

Content is not an event: it is addressed by an identifier that events and objects may refer
to, and it never changes once stored. JetStream keeps it as it keeps the streams (the same
storage, and its replicas in a cluster), so no second store needs running or backing up.
The checksum is the MD5 of the content, as Infrahub reports it.
"""

from __future__ import annotations

import hashlib
import uuid

import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import ObjectStoreConfig, StorageType
from nats.js.object_store import ObjectStore

from strata_eventstore.naming import StreamNames

__all__ = ["ContentStore", "StoredContent"]


class StoredContent:
    __slots__ = ("checksum", "identifier")

    def __init__(self, identifier: str, checksum: str) -> None:
        self.identifier = identifier
        self.checksum = checksum


class ContentStore:
    def __init__(self, js: JetStreamContext, names: StreamNames, *, replicas: int = 1) -> None:
        self._js = js
        self._bucket = names.kv_bucket("OBJECTS")
        self._replicas = replicas  # as the branch streams: R3 in a cluster
        self._store: ObjectStore | None = None

    async def _opened(self) -> ObjectStore:
        if self._store is None:
            try:
                self._store = await self._js.object_store(self._bucket)
            except nats.js.errors.BucketNotFoundError:
                config = ObjectStoreConfig(bucket=self._bucket, storage=StorageType.FILE, replicas=self._replicas)
                self._store = await self._js.create_object_store(self._bucket, config=config)
        return self._store

    async def put(self, content: bytes) -> StoredContent:
        """Store `content` under a new identifier; returned once JetStream has it."""
        identifier = str(uuid.uuid4())
        await (await self._opened()).put(identifier, content)
        return StoredContent(identifier, hashlib.md5(content, usedforsecurity=False).hexdigest())

    async def delete(self, identifier: str) -> None:
        """Forget the content under `identifier` (content a refused mutation stored); no error
        when there is none."""
        try:
            await (await self._opened()).delete(identifier)
        except nats.js.errors.ObjectNotFoundError:
            pass

    async def get(self, identifier: str) -> bytes | None:
        """The content stored under `identifier`; None when there is none."""
        try:
            found = await (await self._opened()).get(identifier)
        except nats.js.errors.ObjectNotFoundError:
            return None
        return bytes(found.data or b"")
