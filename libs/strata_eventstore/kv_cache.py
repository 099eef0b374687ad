"""A cache on a JetStream KV bucket, shared by API replicas (schemas, generated GraphQL).

Entries are derived data: losing the bucket costs a recomputation, never correctness.
"""

from __future__ import annotations

import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.kv import KeyValue

__all__ = ["KvCache"]


class KvCache:
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    @classmethod
    async def open(cls, js: JetStreamContext, bucket: str, replicas: int = 1) -> KvCache:
        config = KeyValueConfig(
            bucket=bucket, history=1, storage=StorageType.FILE, replicas=replicas
        )
        return cls(await js.create_key_value(config))

    async def get(self, key: str) -> bytes | None:
        try:
            entry = await self._kv.get(key)
        except (nats.js.errors.KeyNotFoundError, nats.js.errors.KeyDeletedError):
            return None
        return entry.value

    async def put(self, key: str, value: bytes) -> int:
        return await self._kv.put(key, value)

    async def delete(self, key: str) -> None:
        await self._kv.delete(key)
