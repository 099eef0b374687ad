"""BranchCreate is one append on main; the projector makes the branch's stream before the
branch enters the read model, and a stream no branch names is harmless."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from neo4j import AsyncDriver

from strata_core.errors import BranchNotFound, ValidationFailed
from strata_core.settings import Settings
from strata_events import BranchDeleted
from strata_service import branch_name_index
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_service.branch_service import BranchService
from strata_service.branches import BranchDirectory
from tests.e2e.test_branches_api import _create, _gql, _names
from tests.e2e.test_graphql_api import ANIMALS
from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration


async def test_create_is_one_append_on_main_and_the_projector_makes_the_stream(
    api: AsyncTestClient, nc: Client, settings: Settings, neo4j_driver: AsyncDriver  # type: ignore[type-arg]
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    main_before = await store.last_seq("main")
    body = await _gql(api, 'mutation { BranchCreate(data: {name: "one"}) { object { id name status } } }')
    created = body["data"]["BranchCreate"]["object"]
    assert created["name"] == "one" and created["status"] == "OPEN"
    assert await store.last_seq("main") == main_before + 2  # branch.created + its head message
    # as soon as the read model holds the branch, its stream exists (empty)
    directory = BranchDirectory(neo4j_driver, "neo4j")
    for _ in range(600):
        try:
            await directory.resolve("one")
            break
        except BranchNotFound:
            await asyncio.sleep(0.01)
    assert await store.last_seq(created["id"]) == 0


async def test_a_stream_left_without_its_main_event_is_harmless(api: AsyncTestClient, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]
    """A stream no branch names (what an older version left when it crashed between making a
    branch's stream and appending its event): nothing lists, reads or merges it."""
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    orphan = uuid.uuid4().hex
    await store.ensure_branch_stream(orphan)
    listed = await _gql(api, "query { Branch { id name } }")
    assert orphan not in [b["id"] for b in listed["data"]["Branch"]]
    # the projector keeps going, the name is free, and a branch made now works as any other
    await _gql(api, 'mutation { BranchCreate(data: {name: "after-crash"}) { ok } }')
    await _create(api, "Bob", "after-crash")
    await _create(api, "Alice")
    assert await _names(api, "after-crash") == ["Bob"]
    assert await _names(api, "main") == ["Alice"]
    assert await store.last_seq(orphan) == 0


async def test_a_created_branch_is_usable_at_once_and_its_name_taken_once(api: AsyncTestClient, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]
    """The create answers without waiting for its projection: what follows it must still see
    the branch, and creates of one name racing each other must not both land."""
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    for i in range(5):
        created = await _gql(api, 'mutation { BranchCreate(data: {name: "quick-%d"}) { object { name status } } }' % i)
        assert created["data"]["BranchCreate"]["object"] == {"name": f"quick-{i}", "status": "OPEN"}
        listed = await _gql(api, "query { Branch { name } }")
        assert f"quick-{i}" in [b["name"] for b in listed["data"]["Branch"]]
        on_branch = await api.post(f"/graphql/quick-{i}", headers=TOKEN_HEADERS, json={
            "query": 'mutation { TestingPersonCreate(data: {name: {value: "P%d"}}) { ok } }' % i
        })  # fmt: skip
        assert on_branch.status_code == 200 and on_branch.json()["data"]["TestingPersonCreate"]["ok"] is True
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    contested = {"query": 'mutation { BranchCreate(data: {name: "contested"}) { ok } }'}
    responses = await asyncio.gather(*(api.post("/graphql/main", json=contested, headers=TOKEN_HEADERS) for _ in range(4)))
    racing = [r.json() for r in responses]
    assert sum(1 for body in racing if not body.get("errors")) == 1, racing
    assert all("already exists" in str(body["errors"]) for body in racing if body.get("errors"))
    assert await store.last_seq("main") == before + 2  # one branch.created and its head
    for i in range(5):  # the second create comes before the first is projected, most of the time
        first = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={"query": 'mutation { BranchCreate(data: {name: "twice-%d"}) { ok } }' % i})
        second = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={"query": 'mutation { BranchCreate(data: {name: "twice-%d"}) { ok } }' % i})
        assert not first.json().get("errors") and "already exists" in str(second.json().get("errors")), second.json()
    listed = await _gql(api, "query { Branch { name } }")
    names = [b["name"] for b in listed["data"]["Branch"]]
    assert names.count("contested") == 1 and all(names.count(f"twice-{i}") == 1 for i in range(5))



@pytest.mark.parametrize("log_events", [16, 0], ids=["from-the-log", "waiting-for-the-model"])
async def test_a_name_freed_by_a_delete_not_yet_projected_can_be_taken_again(
    api: AsyncTestClient, nc: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch, log_events: int  # type: ignore[type-arg]
) -> None:
    """The name check reads main's branch events past the read model's checkpoint: a delete
    there frees the name, a create there takes it. Past that many, it waits for the model."""
    monkeypatch.setattr(branch_name_index, "_LOG_EVENTS_READ", log_events)
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    create = 'mutation { BranchCreate(data: {name: "%s"}) { ok object { id } } }'
    for i in range(3):
        name = f"again-{i}"
        branch_id = (await _gql(api, create % name))["data"]["BranchCreate"]["object"]["id"]
        deleted = BranchDeleted(branch_id=branch_id, name=name)  # what BranchDelete appends
        await store.append("main", [PendingEvent(store.names.branch_event_subject("main"), deleted)], expected_head=None)
        again = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={"query": create % name})
        assert not again.json().get("errors"), again.json()
        twice = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={"query": create % name})
        assert "already exists" in str(twice.json().get("errors")), twice.json()
    listed = await _gql(api, "query { Branch { name } }")
    assert all([b["name"] for b in listed["data"]["Branch"]].count(f"again-{i}") == 1 for i in range(3))


async def test_another_replica_sees_names_taken_and_freed_after_its_index_was_loaded(
    api: AsyncTestClient, nc: Client, settings: Settings, neo4j_driver: AsyncDriver  # type: ignore[type-arg]
) -> None:
    """Each API process keeps its own name index: creates and deletes made through another
    process after it loaded must still count, from the log, as of the head it appends under."""
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    directory = BranchDirectory(neo4j_driver, settings.neo4j_database)

    async def wait_main(seq: int) -> None:
        raise AssertionError("one or two branch events past the index are read from the log")

    other = BranchService(store, directory, wait_main=wait_main)
    await other.create("replica-first", actor=None)  # loads its index
    await _gql(api, 'mutation { BranchCreate(data: {name: "replica-twice"}) { ok } }')
    with pytest.raises(ValidationFailed, match="already exists"):
        await other.create("replica-twice", actor=None)
    await _gql(api, 'mutation { BranchDelete(data: {name: "replica-twice"}) { ok } }')
    ref, _, _ = await other.create("replica-twice", actor=None)
    assert ref.name == "replica-twice"
    refused = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={"query": 'mutation { BranchCreate(data: {name: "replica-first"}) { ok } }'})
    assert "already exists" in str(refused.json().get("errors")), refused.json()
