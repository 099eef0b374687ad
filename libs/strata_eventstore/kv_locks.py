"""Distributed locks on a JetStream KV bucket: create-only keys with a per-message TTL.

Locks guard long operations (merge, rebase, schema migration) from running twice; correctness
still comes from the branch head's optimistic concurrency, never from the lock alone.
"""

from __future__ import annotations

import msgspec
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import Header, KeyValueConfig, StorageType
from nats.js.kv import KV_MARKER_REASON, KV_OP, KeyValue

from strata_core.errors import StrataError

__all__ = ["Lock", "LockHeld", "LockLost", "KvLocks"]


class LockHeld(StrataError):
    code = "lock.held"


class LockLost(StrataError):
    """The lock expired or was taken over before it was released or refreshed."""

    code = "lock.lost"


class Lock(msgspec.Struct, frozen=True):
    name: str
    owner: str
    revision: int


class _LockRecord(msgspec.Struct, frozen=True):
    owner: str


class KvLocks:
    """Locks in bucket `bucket`; `open()` creates the bucket with per-message TTLs allowed."""

    def __init__(self, js: JetStreamContext, kv: KeyValue, bucket: str) -> None:
        self._js = js
        self._kv = kv
        self._bucket = bucket

    @classmethod
    async def open(cls, js: JetStreamContext, bucket: str, replicas: int = 1) -> KvLocks:
        # limit_marker_ttl: expired keys leave a marker, so watchers see the expiry.
        config = KeyValueConfig(
            bucket=bucket,
            history=1,
            storage=StorageType.FILE,
            replicas=replicas,
            limit_marker_ttl=60.0,
        )
        kv = await js.create_key_value(config)
        return cls(js, kv, bucket)

    async def _put_at_revision(self, name: str, value: bytes, last: int, ttl_s: float) -> int:
        """Write `name` only if its last revision is `last`, with a per-message TTL."""
        ack = await self._js.publish(
            f"$KV.{self._bucket}.{name}",
            value,
            headers={Header.EXPECTED_LAST_SUBJECT_SEQUENCE: str(last)},
            msg_ttl=ttl_s,
        )
        return int(ack.seq)

    async def acquire(self, name: str, owner: str, ttl_s: float) -> Lock:
        """Take the lock or raise LockHeld naming the current owner."""
        value = msgspec.json.encode(_LockRecord(owner=owner))
        try:
            revision = await self._kv.create(name, value, msg_ttl=ttl_s)
        except nats.js.errors.KeyWrongLastSequenceError:
            revision = await self._create_over_marker(name, value, ttl_s)
        return Lock(name=name, owner=owner, revision=revision)

    async def _create_over_marker(self, name: str, value: bytes, ttl_s: float) -> int:
        """nats-py 2.16's create() fails when the key's last message is an expiry marker.

        The marker (header Nats-Marker-Reason) means the key is gone; take it over by revision.
        """
        try:
            last = await self._js.get_last_msg(f"KV_{self._bucket}", f"$KV.{self._bucket}.{name}")
        except nats.js.errors.NotFoundError as exc:
            raise LockHeld(f"lock {name} could not be taken", lock=name) from exc
        headers = last.headers or {}
        gone = KV_MARKER_REASON in headers or headers.get(KV_OP) in ("DEL", "PURGE")
        if not gone:
            holder = msgspec.json.decode(last.data or b"{}", type=dict[str, str]).get("owner", "?")
            raise LockHeld(f"lock {name} is held by {holder}", lock=name, owner=holder)
        try:
            return await self._put_at_revision(name, value, int(last.seq or 0), ttl_s)
        except nats.js.errors.APIError as exc:
            raise LockHeld(f"lock {name} was taken concurrently", lock=name) from exc

    async def refresh(self, lock: Lock, ttl_s: float) -> Lock:
        value = msgspec.json.encode(_LockRecord(owner=lock.owner))
        try:
            revision = await self._put_at_revision(lock.name, value, lock.revision, ttl_s)
        except nats.js.errors.APIError as exc:
            raise LockLost(f"lock {lock.name} is no longer held by {lock.owner}") from exc
        return Lock(name=lock.name, owner=lock.owner, revision=revision)

    async def release(self, lock: Lock) -> None:
        """Release by revision: a lock that expired and was re-taken is left to its new owner."""
        try:
            await self._kv.delete(lock.name, last=lock.revision)
        except (nats.js.errors.KeyWrongLastSequenceError, nats.js.errors.APIError) as exc:
            raise LockLost(f"lock {lock.name} is no longer held by {lock.owner}") from exc
