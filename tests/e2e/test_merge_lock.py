"""The merge lock outlives its TTL while a merge runs: it is refreshed, and freed at the end."""

from __future__ import annotations

import asyncio

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.kv_locks import KvLocks, LockHeld
from strata_service.branches import BranchDirectory
from strata_service.merge_service import MergeService
from strata_service.schema_service import SchemaService
from tests.e2e.test_branches_api import _create, _gql
from tests.e2e.test_graphql_api import ANIMALS
from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration

TTL_S = 1.0


async def test_a_merge_longer_than_the_lock_ttl_keeps_the_lock(
    api: AsyncTestClient, nc: Client, neo4j_driver: AsyncDriver, settings: Settings  # type: ignore[type-arg]
) -> None:
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    await _gql(api, 'mutation { BranchCreate(data: {name: "slow"}) { ok } }')
    await _create(api, "Bob", "slow")
    names = StreamNames(prefix=settings.stream_prefix)
    store = EventStore(nc, names)
    locks = await KvLocks.open(nc.jetstream(), names.kv_bucket("locks"))
    directory = BranchDirectory(neo4j_driver, "neo4j")
    ref, main_ref = await directory.resolve("slow"), await directory.resolve("main")
    schemas = SchemaService(store, neo4j_driver, "neo4j")

    async def slow_wait(branch_id: str, seq: int) -> None:
        await asyncio.sleep(3.2 * TTL_S)  # the two sides wait together: the merge takes over three TTLs

    merges = MergeService(store, neo4j_driver, "neo4j", locks, wait_projected=slow_wait, lock_ttl_s=TTL_S)
    merge = asyncio.create_task(merges.merge(ref, await schemas.current(ref), await schemas.current(main_ref),
                                             merged_seq=None, actor="slow-merger"))  # fmt: skip
    held_checks = 0
    for _ in range(6):  # every half TTL over three TTLs: nobody else can take it
        await asyncio.sleep(TTL_S / 2)
        if merge.done():
            break
        with pytest.raises(LockHeld, match="slow-merger"):
            await locks.acquire(f"merge.{ref.id}", "intruder", ttl_s=TTL_S)
        held_checks += 1
    assert held_checks >= 5  # the checks ran past the TTL, with the merge still going
    merged_seq = await merge
    assert merged_seq == await store.head("main")
    lock = await locks.acquire(f"merge.{ref.id}", "after", ttl_s=TTL_S)  # released at the end
    await locks.release(lock)
