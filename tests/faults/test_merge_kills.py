"""The merging process SIGKILLed at random points of the merge's atomic batch, round after
round: main has all of the branch or none of it; a merge after the kills brings all of it."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _gql, _names
from tests.e2e.test_graphql_api import ANIMALS
from tests.e2e.test_merge_atomicity import _release_merge_lock
from tests.faults.figures import Figures, fault_rounds

pytestmark = [pytest.mark.integration, pytest.mark.faults]

ROUNDS = fault_rounds()
PEOPLE = 15


@pytest.mark.timeout(240 + 60 * ROUNDS)
async def test_merge_killed_at_random_points_leaves_all_or_nothing_on_main(
    api: AsyncTestClient, nc: Client, settings: Settings, figures: Figures  # type: ignore[type-arg]
) -> None:
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    await _gql(api, 'mutation { BranchCreate(data: {name: "mk"}) { ok } }')
    people = [f"p{i:02d}" for i in range(PEOPLE)]
    for name in people:
        await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "%s"}}) { ok } }' % name, "mk")
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    env = dict(os.environ, STRATA_NATS_URL=settings.nats_url, STRATA_NEO4J_URI=settings.neo4j_uri,
               STRATA_STREAM_PREFIX=settings.stream_prefix)  # fmt: skip
    rng = random.Random()
    for _ in range(ROUNDS):
        figures.rounds_run += 1
        kill_after = rng.randint(0, PEOPLE)  # messages of the merge's batch sent before the kill
        before = await store.last_seq("main")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(REPO_ROOT / "tests" / "e2e" / "merge_until_killed.py"), "mk", str(kill_after),
            env=env, stderr=subprocess.PIPE,
        )  # fmt: skip
        _, err = await proc.communicate()
        assert proc.returncode == -9, err.decode()
        await asyncio.sleep(0.5)
        assert await store.last_seq("main") == before, f"killed after {kill_after} messages: main moved"
        assert await _names(api) == []
        await _release_merge_lock(nc, settings)
        figures.rounds_survived += 1
    merged = await _gql(api, 'mutation { BranchMerge(data: {name: "mk"}) { ok } }')
    assert merged["data"]["BranchMerge"]["ok"]
    assert await _names(api) == people
    figures.mutations_checked += PEOPLE
