"""Writers that overlap on one branch all land, each decided on the ones before it: what
infrahub-sdk's batch does (five creates in flight by default)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest

from strata_api import overlay
from strata_api.in_flight import InFlightWrites
from strata_core.settings import Settings
from strata_graph.projection import GraphProjection
from strata_mutations import NodeEvent
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.live_stack import LiveStack, live_stack
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

_WRITERS = 12


@pytest.fixture
async def animals(settings: Settings, neo4j_driver: object) -> AsyncIterator[LiveStack]:
    """The API served by uvicorn over a socket: requests in flight together are handled together
    (the in-process test client did not overlap them enough to collide)."""
    async with live_stack(settings) as stack:
        loaded = await stack.http.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)
        assert loaded.status_code == 200, loaded.text
        yield stack


async def _gql(stack: LiveStack, query: str) -> dict[str, Any]:
    response = await stack.http.post("/graphql/main", json={"query": query}, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_overlapping_creates_on_one_branch_all_land(animals: LiveStack) -> None:
    answers = await asyncio.gather(*(
        _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "p%02d"}}) { ok object { id } } }' % i)
        for i in range(_WRITERS)
    ))  # fmt: skip
    assert [a.get("errors") for a in answers] == [None] * _WRITERS
    ids = {a["data"]["TestingPersonCreate"]["object"]["id"] for a in answers}
    assert len(ids) == _WRITERS
    listed = await _gql(animals, "query { TestingPerson { count edges { node { id name { value } } } } }")
    assert listed["data"]["TestingPerson"]["count"] == _WRITERS
    assert {e["node"]["id"] for e in listed["data"]["TestingPerson"]["edges"]} == ids


async def test_overlapping_creates_of_one_unique_name_keep_one_and_refuse_the_rest(
    animals: LiveStack,
) -> None:
    answers = await asyncio.gather(*(
        _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "same"}, height: {value: %d}}) { ok } }' % i)
        for i in range(6)
    ))  # fmt: skip
    kept = [a for a in answers if not a.get("errors")]
    refused: list[dict[str, Any]] = [a["errors"][0] for a in answers if a.get("errors")]
    assert len(kept) == 1
    # each later one was decided on the stored first: refused for the value, not for the race
    assert len(refused) == 5 and all("unique" in e["message"].lower() for e in refused), refused
    listed = await _gql(animals, 'query { TestingPerson(name__value: "same") { count } }')
    assert listed["data"]["TestingPerson"]["count"] == 1


async def test_overlapping_branch_creates_all_land(animals: LiveStack) -> None:
    answers = await asyncio.gather(*(
        _gql(animals, 'mutation { BranchCreate(data: {name: "together-%d"}) { ok object { id } } }' % i)
        for i in range(8)
    ))  # fmt: skip
    assert [a.get("errors") for a in answers] == [None] * 8
    listed = await _gql(animals, "query { Branch { name } }")
    assert {f"together-{i}" for i in range(8)} <= {b["name"] for b in listed["data"]["Branch"]}


_UNSURE: list[str] = []


def _counted(self: Exception, *args: object) -> None:
    """UnsureWithoutProjection's constructor, noting that a decision waited for the projector."""
    _UNSURE.append(str(args))
    Exception.__init__(self, *args)


@pytest.fixture
def slow_projector(monkeypatch: pytest.MonkeyPatch) -> list[list[NodeEvent] | None]:
    """The projector (a thread of this process in the live stack) holds each write 0.3 s, so a
    writer queued behind another finds it appended and not yet projected (the stack's threads
    share one interpreter: a shorter hold was sometimes over before the next decision); what
    each writer was given to lay over the read model is returned."""
    apply = GraphProjection.apply

    async def slow_apply(self: GraphProjection, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.3)
        return await apply(self, *args, **kwargs)

    monkeypatch.setattr(GraphProjection, "apply", slow_apply)
    monkeypatch.setattr(overlay.UnsureWithoutProjection, "__init__", _counted)
    _UNSURE.clear()
    laid_over: list[list[NodeEvent] | None] = []
    covering = InFlightWrites.covering

    def recording(self: InFlightWrites, branch_id: str, projected_seq: int, head: int) -> list[NodeEvent] | None:
        found = covering(self, branch_id, projected_seq, head)
        laid_over.append(found)
        return found

    monkeypatch.setattr(InFlightWrites, "covering", recording)
    return laid_over


@pytest.fixture
def appended(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once the API notes an append of its own (`InFlightWrites.add`)."""
    noted = threading.Event()
    add = InFlightWrites.add

    def noting(self: InFlightWrites, *args: Any) -> None:
        add(self, *args)
        noted.set()

    monkeypatch.setattr(InFlightWrites, "add", noting)
    return noted


async def test_queued_writers_decide_on_the_unprojected_writes_before_them(
    slow_projector: list[list[NodeEvent] | None], animals: LiveStack
) -> None:
    answers = await asyncio.gather(*(
        _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "%s"}}) { ok object { id } } }' % name)
        for name in ["q1", "q2", "q3", "dup", "dup", "dup", "q4"]
    ))  # fmt: skip
    assert any(slow_projector), "no writer decided on an overlay of unprojected writes"
    refused = [a["errors"][0]["message"] for a in answers if a.get("errors")]
    assert len(refused) == 2 and all("unique" in m.lower() for m in refused), refused
    listed = await _gql(animals, "query { TestingPerson { count edges { node { name { value } } } } }")
    assert sorted(e["node"]["name"]["value"] for e in listed["data"]["TestingPerson"]["edges"]) == [
        "dup", "q1", "q2", "q3", "q4"
    ]


async def test_a_peer_named_by_hfid_behind_its_unprojected_create_is_found(
    slow_projector: list[list[NodeEvent] | None], animals: LiveStack, appended: threading.Event
) -> None:
    appended.clear()  # set by the next append
    create = asyncio.create_task(
        _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Zed"}}) { ok object { id } } }')
    )
    assert await asyncio.to_thread(appended.wait, 30)  # stored; its projection is held
    # what `infrahubctl object load` does: the next object names the one just created by its hfid
    dog = await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {hfid: ["Zed"]}}) '
                              '{ ok object { id owner { node { id } } } } }')  # fmt: skip
    created = await create
    assert not dog.get("errors"), dog
    assert slow_projector[-1], "the dog's create did not find the person's unprojected"
    owner = dog["data"]["TestingDogCreate"]["object"]["owner"]["node"]["id"]
    assert owner == created["data"]["TestingPersonCreate"]["object"]["id"]
    assert _UNSURE == []  # found among the writes laid over, by the values they hold


async def test_an_upsert_by_hfid_behind_the_unprojected_create_it_names_updates_it(
    slow_projector: list[list[NodeEvent] | None], animals: LiveStack, appended: threading.Event
) -> None:
    """What `infrahubctl object load` run twice, or a batch of upserts, does."""
    await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Ann"}}) { ok } }')
    appended.clear()  # set by the next append
    create = asyncio.create_task(_gql(
        animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {hfid: ["Ann"]}}) { ok object { id } } }'
    ))  # fmt: skip
    assert await asyncio.to_thread(appended.wait, 30)
    upsert = await _gql(animals, 'mutation { TestingDogUpsert(data: {hfid: ["Ann", "Rex"], name: {value: "Rex"}, '
                                 'owner: {hfid: ["Ann"]}, weight: {value: 12}}) { ok object { id } } }')  # fmt: skip
    created = await create
    assert not upsert.get("errors"), upsert
    assert slow_projector[-1], "the upsert did not find the create unprojected"
    assert _UNSURE == []
    assert upsert["data"]["TestingDogUpsert"]["object"]["id"] == created["data"]["TestingDogCreate"]["object"]["id"]
    dogs = await _gql(animals, "query { TestingDog { count edges { node { name { value } weight { value } } } } }")
    assert dogs["data"]["TestingDog"]["count"] == 1
    assert dogs["data"]["TestingDog"]["edges"][0]["node"]["weight"] == {"value": 12}


async def test_an_hfid_through_a_peer_renamed_unprojected_is_read_after_the_projection(
    slow_projector: list[list[NodeEvent] | None], animals: LiveStack, appended: threading.Event
) -> None:
    """The stored lookup reads the peer's old name: the decision waits for the rename instead."""
    ids = {}
    for name in ("Bo", "Cy"):
        made = await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "%s"}}) { ok object { id } } }' % name)
        ids[name] = made["data"]["TestingPersonCreate"]["object"]["id"]
    await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Max"}, owner: {id: "%s"}, '
                        'weight: {value: 1}}) { ok } }' % ids["Bo"])  # fmt: skip
    appended.clear()  # set by the next append
    rename = asyncio.create_task(
        _gql(animals, 'mutation { TestingPersonUpdate(data: {id: "%s", name: {value: "Bob"}}) { ok } }' % ids["Bo"])
    )
    assert await asyncio.to_thread(appended.wait, 30)
    # at the head no dog is [Bo, Max] (Bo is Bob) nor [Cy, Max]: Cy gets a Max of its own
    upsert = await _gql(animals, 'mutation { TestingDogUpsert(data: {hfid: ["Bo", "Max"], name: {value: "Max"}, '
                                 'owner: {id: "%s"}, weight: {value: 3}}) { ok } }' % ids["Cy"])  # fmt: skip
    await rename
    assert not upsert.get("errors"), upsert
    assert _UNSURE, "decided on the stored lookup's stale peer"
    dogs = await _gql(animals, "query { TestingDog { edges { node { owner { node { display_label } } weight { value } } } } }")
    found = sorted((e["node"]["owner"]["node"]["display_label"], e["node"]["weight"]["value"])
                   for e in dogs["data"]["TestingDog"]["edges"])  # fmt: skip
    assert found == [("Bob", 1), ("Cy", 3)]
