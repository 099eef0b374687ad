"""2 to 8 clients at once on the same objects and the same unique values: no acknowledged write
lost, no unique value stored twice, losers get a clear conflict error. Checked in the final graph
and in the event log."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

import httpx
import pytest

from strata_events import NodeCreated, NodeUpdated
from tests.faults.conftest import TOKEN_HEADERS
from tests.faults.figures import Figures, fault_rounds
from tests.faults.live_api import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.faults]

ROUNDS = fault_rounds()
CREATE = "mutation($n: String!) { TestingPersonCreate(data: {name: {value: $n}}) { ok object { id } } }"
UPDATE = "mutation($id: String!, $h: BigInt) { TestingPersonUpdate(data: {id: $id, height: {value: $h}}) { ok } }"
RENAME = "mutation($id: String!, $n: String!) { TestingPersonUpdate(data: {id: $id, name: {value: $n}}) { ok } }"


class Tally:
    def __init__(self) -> None:
        self.heights: list[tuple[str, int]] = []  # acknowledged (object, height)
        self.created: dict[str, str] = {}  # acknowledged unique name -> id
        self.renamed: list[tuple[str, str]] = []  # acknowledged (object, name)
        self.refusals: list[str] = []  # losers' error messages
        self.unclear: list[str] = []


async def _send(http: httpx.AsyncClient, url: str, query: str, tally: Tally, **variables: Any) -> dict[str, Any] | None:
    response = await http.post(f"{url}/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    if response.status_code == 200 and not body.get("errors"):
        data: dict[str, Any] = body["data"]
        return data
    text = str(body.get("errors") or body)
    if response.status_code >= 500 or "internal error" in text:
        tally.unclear.append(f"{response.status_code} {text[:300]}")
    else:
        tally.refusals.append(text)
    return None


async def _client(url: str, number: int, objects: list[str], contested: list[str], tally: Tally, rng: random.Random) -> None:
    async with httpx.AsyncClient(timeout=120, headers=TOKEN_HEADERS) as http:
        for step in range(6):
            target = rng.choice(objects)
            roll = rng.random()
            if roll < 0.45 and step > 0:
                height = number * 1000 + step
                if await _send(http, url, UPDATE, tally, id=target, h=height) is not None:
                    tally.heights.append((target, height))
            elif roll < 0.8 or step == 0:  # every client's first step: the same name, at once
                name = contested[0] if step == 0 else rng.choice(contested)
                data = await _send(http, url, CREATE, tally, n=name)
                if data is not None:
                    assert name not in tally.created, f"{name} acknowledged twice"
                    tally.created[name] = data["TestingPersonCreate"]["object"]["id"]
            else:
                name = rng.choice(contested) + "-renamed"
                if await _send(http, url, RENAME, tally, id=target, n=name) is not None:
                    tally.renamed.append((target, name))


async def _race(live_api: LiveApi, clients: int, rng: random.Random) -> Tally:
    tag = uuid.uuid4().hex[:6]
    tally = Tally()
    objects = []
    async with httpx.AsyncClient(timeout=120, headers=TOKEN_HEADERS) as http:
        for i in range(3):
            data = await _send(http, live_api.url, CREATE, tally, n=f"{tag}-shared-{i}")
            assert data is not None
            objects.append(data["TestingPersonCreate"]["object"]["id"])
    contested = [f"{tag}-u{i}" for i in range(3)]
    await asyncio.gather(*[_client(live_api.url, n + 1, objects, contested, tally, random.Random(rng.random()))
                           for n in range(clients)])  # fmt: skip
    return tally


def _check(live_api: LiveApi, tally: Tally) -> int:
    """The event log and the graph against what the clients were told; returns writes lost."""
    log = [e.event for e in live_api.call(live_api.resources.store.read_range("main"))]
    names_created: dict[str, int] = {}
    heights: dict[str, list[int]] = {}
    for event in log:
        if isinstance(event, NodeCreated) and event.kind == "TestingPerson":
            name = str(event.attributes["name"].value)
            names_created[name] = names_created.get(name, 0) + 1
        if isinstance(event, NodeUpdated) and "height" in event.attributes:
            heights.setdefault(event.node_id, []).append(int(event.attributes["height"].value))
    assert all(n == 1 for n in names_created.values()), "a unique name was created twice"
    lost: list[object] = [w for w in tally.heights if w[1] not in heights.get(w[0], [])]
    lost += [n for n in tally.created if names_created.get(n) != 1]
    body = httpx.post(f"{live_api.url}/graphql", headers=TOKEN_HEADERS, timeout=120, json={
        "query": "{ TestingPerson { edges { node { id name { value } height { value } } } } }"}).json()  # fmt: skip
    nodes = [e["node"] for e in body["data"]["TestingPerson"]["edges"]]
    names = [n["name"]["value"] for n in nodes]
    assert len(names) == len(set(names)), "the graph holds a unique name twice"
    by_id = {n["id"]: n for n in nodes}
    for uid, values in heights.items():
        if uid in by_id:
            assert by_id[uid]["height"]["value"] == values[-1], "the graph holds the log's last write"
    lost += [n for n, uid in tally.created.items() if uid not in by_id and not any(r[0] == uid for r in tally.renamed)]
    return len(lost)


@pytest.mark.timeout(300 + 200 * ROUNDS)
@pytest.mark.parametrize("clients", [2, 8])
def test_concurrent_clients_lose_nothing_and_never_duplicate_a_unique_value(
    live_api: LiveApi, figures: Figures, clients: int
) -> None:
    rng = random.Random()
    for _ in range(ROUNDS):
        figures.rounds_run += 1
        tally = asyncio.run(_race(live_api, clients, rng))
        assert not tally.unclear, tally.unclear[:5]
        assert tally.refusals, "contested unique names must have produced losers"
        for message in tally.refusals:
            assert "unique" in message.lower() or "already" in message.lower() or "conflict" in message.lower(), message
        lost = _check(live_api, tally)
        figures.writes_lost += lost
        figures.mutations_checked += len(tally.heights) + len(tally.created) + len(tally.renamed) + len(tally.refusals)
        assert lost == 0
        figures.rounds_survived += 1
