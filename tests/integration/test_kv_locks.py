"""KV locks and cache against a real nats-server, including the expiry-marker case."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from nats.aio.client import Client

from strata_eventstore.kv_cache import KvCache
from strata_eventstore.kv_locks import KvLocks, LockHeld, LockLost

pytestmark = pytest.mark.integration


@pytest.fixture
async def locks(nc: Client) -> KvLocks:
    return await KvLocks.open(nc.jetstream(), f"LOCKS_{uuid.uuid4().hex[:8]}")


async def test_lock_is_exclusive_and_released_by_revision(locks: KvLocks) -> None:
    lock = await locks.acquire("merge.b1", "worker-a", ttl_s=30)
    with pytest.raises(LockHeld) as held:
        await locks.acquire("merge.b1", "worker-b", ttl_s=30)
    assert held.value.details["owner"] == "worker-a"
    await locks.release(lock)
    again = await locks.acquire("merge.b1", "worker-b", ttl_s=30)
    assert again.owner == "worker-b"


async def test_expired_lock_can_be_taken_again_despite_marker(locks: KvLocks) -> None:
    stale = await locks.acquire("rebase.b2", "worker-a", ttl_s=1)
    await asyncio.sleep(2.5)  # the TTL expires and the server leaves a delete marker
    fresh = await locks.acquire("rebase.b2", "worker-b", ttl_s=30)
    assert fresh.owner == "worker-b"
    # the old owner can neither refresh nor release what it no longer holds
    with pytest.raises(LockLost):
        await locks.refresh(stale, ttl_s=30)
    with pytest.raises(LockLost):
        await locks.release(stale)
    with pytest.raises(LockHeld):
        await locks.acquire("rebase.b2", "worker-c", ttl_s=30)


async def test_refresh_extends_a_held_lock(locks: KvLocks) -> None:
    lock = await locks.acquire("schema.main", "api-1", ttl_s=1)
    lock = await locks.refresh(lock, ttl_s=30)
    await asyncio.sleep(1.5)
    with pytest.raises(LockHeld):
        await locks.acquire("schema.main", "api-2", ttl_s=30)
    await locks.release(lock)


async def test_cache_round_trip(nc: Client) -> None:
    cache = await KvCache.open(nc.jetstream(), f"CACHE_{uuid.uuid4().hex[:8]}")
    assert await cache.get("schema.main.abc") is None
    await cache.put("schema.main.abc", b"payload")
    assert await cache.get("schema.main.abc") == b"payload"
    await cache.delete("schema.main.abc")
    assert await cache.get("schema.main.abc") is None
