"""Failed logins counted in JetStream KV, shared by every API replica and kept across restarts.

One entry per account and one per client address (keys are digests: no username or address is
stored in the clear). After `free` failures in a row, each further attempt must wait
2^(failures - free) seconds (capped at `max_delay_s`) after the last failure, or is refused.
A success clears the account's entry; entries expire a day after their last failure.
"""

from __future__ import annotations

import hashlib
import time

import msgspec
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.kv import KeyValue

__all__ = ["LoginFailures", "failure_keys"]

_TTL_S = 86400.0
_CAS_ATTEMPTS = 8


class _Entry(msgspec.Struct):
    failures: int = 0
    last: float = 0.0


def failure_keys(username: str, client: str) -> list[str]:
    """KV keys of an attempt: the account's and the client address's."""
    return [
        "acct." + hashlib.sha256(username.encode()).hexdigest()[:40],
        "addr." + hashlib.sha256(client.encode()).hexdigest()[:40],
    ]


class LoginFailures:
    def __init__(self, kv: KeyValue, *, free: int, max_delay_s: float) -> None:
        self._kv = kv
        self._free = free
        self._max_delay_s = max_delay_s

    @classmethod
    async def open(
        cls, js: JetStreamContext, bucket: str, *, free: int, max_delay_s: float, replicas: int = 1
    ) -> LoginFailures:
        config = KeyValueConfig(bucket=bucket, history=1, ttl=_TTL_S, storage=StorageType.FILE, replicas=replicas)
        return cls(await js.create_key_value(config), free=free, max_delay_s=max_delay_s)

    async def _read(self, key: str) -> tuple[_Entry, int | None]:
        try:
            entry = await self._kv.get(key)
        except (nats.js.errors.KeyNotFoundError, nats.js.errors.KeyDeletedError):
            return _Entry(), None
        if not entry.value:
            return _Entry(), entry.revision
        return msgspec.json.decode(entry.value, type=_Entry), entry.revision

    def _delay(self, entry: _Entry) -> float:
        over = entry.failures - self._free
        return 0.0 if over < 0 else min(2.0**over, self._max_delay_s)

    async def wait_left(self, keys: list[str], now: float | None = None) -> float:
        """Seconds the caller must still wait before another attempt (0: go ahead)."""
        now = time.time() if now is None else now
        left = 0.0
        for key in keys:
            entry, _ = await self._read(key)
            left = max(left, entry.last + self._delay(entry) - now)
        return max(left, 0.0)

    async def record_failure(self, keys: list[str], now: float | None = None) -> None:
        now = time.time() if now is None else now
        for key in keys:
            for _ in range(_CAS_ATTEMPTS):  # concurrent failures all count: compare-and-set
                entry, revision = await self._read(key)
                stale = now - entry.last > max(self._max_delay_s, 60.0)
                updated = msgspec.json.encode(_Entry(failures=1 if stale else entry.failures + 1, last=now))
                try:
                    if revision is None:
                        await self._kv.create(key, updated)
                    else:
                        await self._kv.update(key, updated, last=revision)
                    break
                except nats.js.errors.KeyWrongLastSequenceError:
                    continue

    async def clear(self, key: str) -> None:
        try:
            await self._kv.delete(key)
        except nats.js.errors.KeyNotFoundError:
            pass
