"""Stream listings cover every page: a deployment has more streams than one page of JetStream's
listing (256 infos, 1,024 names), and a branch stream past the first page must still be found."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client
from nats.js.api import StorageType, StreamConfig

from strata_eventstore import EventStore, StreamNames
from strata_eventstore.stream_listing import all_stream_infos, all_stream_names

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

COUNT = 1_100  # more than a page of names (1,024) and four pages of infos (256)


async def test_every_branch_stream_is_listed_past_the_first_page(nc: Client, stream_prefix: str) -> None:
    js = nc.jetstream()
    names = StreamNames(prefix=stream_prefix)
    branch_ids = [f"b{i:05d}" for i in range(COUNT)]
    semaphore = asyncio.Semaphore(32)

    async def create(branch_id: str) -> None:
        async with semaphore:
            await js.add_stream(StreamConfig(
                name=names.stream(branch_id), subjects=[names.branch_subjects(branch_id)],
                storage=StorageType.MEMORY,
            ))  # fmt: skip

    try:
        await asyncio.gather(*(create(b) for b in branch_ids))
        assert sorted(await EventStore(nc, names).branch_ids()) == branch_ids
        listed = set(await all_stream_names(nc))
        assert {names.stream(b) for b in branch_ids} <= listed
        infos = {i.config.name for i in await all_stream_infos(js)}
        assert infos == listed
        assert len((await js.streams_info())) < COUNT  # one page only: what the store no longer relies on
    finally:
        await asyncio.gather(*(js.delete_stream(names.stream(b)) for b in branch_ids), return_exceptions=True)
