"""Idempotency-Key: a retried mutation is answered from the first one, never applied twice."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from strata_events import NodeCreated, NodeDeleted, NodeUpdated
from tests.faults.conftest import TOKEN_HEADERS
from tests.faults.figures import Figures
from tests.faults.live_api import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(300)]


async def _post(live_api: LiveApi, query: str, key: str | None, **variables: Any) -> dict[str, Any]:
    headers = dict(TOKEN_HEADERS, **({"Idempotency-Key": key} if key else {}))
    async with httpx.AsyncClient(timeout=120, headers=headers) as http:
        response = await http.post(f"{live_api.url}/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


def _events_about(live_api: LiveApi, node_id: str) -> list[Any]:
    return [e.event for e in live_api.call(live_api.resources.store.read_object("main", node_id))]


CREATE = "mutation($n: String!) { TestingPersonCreate(data: {name: {value: $n}}) { ok object { id name { value } } } }"
UPDATE = "mutation($id: String!, $h: BigInt) { TestingPersonUpdate(data: {id: $id, height: {value: $h}}) { ok object { id height { value } } } }"
DELETE = "mutation($id: String!) { TestingPersonDelete(data: {id: $id}) { ok } }"


async def test_a_retried_create_update_and_delete_are_each_stored_once(live_api: LiveApi, figures: Figures) -> None:
    name, key = f"idem-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    first = await _post(live_api, CREATE, key, n=name)
    heads = live_api.stream_heads()
    again = await _post(live_api, CREATE, key, n=name)
    assert again == first, "the retry gets the first answer"
    assert live_api.stream_heads() == heads, "and appends nothing"
    uid = first["TestingPersonCreate"]["object"]["id"]
    fresh = await _post(live_api, CREATE, None, n=f"{name}-other")
    assert fresh["TestingPersonCreate"]["object"]["id"] != uid
    update_key = uuid.uuid4().hex
    updated = await _post(live_api, UPDATE, update_key, id=uid, h=180)
    await _post(live_api, UPDATE, None, id=uid, h=150)  # someone else changes it meanwhile
    replayed = await _post(live_api, UPDATE, update_key, id=uid, h=180)
    assert replayed["TestingPersonUpdate"]["ok"] and updated["TestingPersonUpdate"]["object"]["id"] == uid
    delete_key = uuid.uuid4().hex
    assert (await _post(live_api, DELETE, delete_key, id=uid))["TestingPersonDelete"]["ok"]
    assert (await _post(live_api, DELETE, delete_key, id=uid))["TestingPersonDelete"]["ok"], "not 'not found'"
    kinds = [type(e) for e in _events_about(live_api, uid)]
    assert kinds == [NodeCreated, NodeUpdated, NodeUpdated, NodeDeleted], kinds
    figures.mutations_checked += 7


async def test_the_same_key_sent_by_many_clients_at_once_is_applied_once(live_api: LiveApi, figures: Figures) -> None:
    name, key = f"idem-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    answers = await asyncio.gather(*[_post(live_api, CREATE, key, n=name) for _ in range(6)])
    ids = {a["TestingPersonCreate"]["object"]["id"] for a in answers}
    assert len(ids) == 1, answers
    created = [e for e in _events_about(live_api, ids.pop()) if isinstance(e, NodeCreated)]
    assert len(created) == 1
    figures.mutations_checked += 6


BULK = """mutation($a: String!, $b: String!) {
  first: TestingPersonCreate(data: {name: {value: $a}}) { ok object { id name { value } } }
  second: TestingPersonCreate(data: {name: {value: $b}}) { ok object { id name { value } } }
}"""


async def test_a_retried_bulk_create_is_stored_once(live_api: LiveApi, figures: Figures) -> None:
    """One atomic batch for the whole document: a retry with the key gets the same objects back,
    however many clients send it at once; a different document under the key is refused."""
    a, b, key = f"bulk-a-{uuid.uuid4().hex[:8]}", f"bulk-b-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    answers = await asyncio.gather(*[_post(live_api, BULK, key, a=a, b=b) for _ in range(4)])
    assert all(answer == answers[0] for answer in answers), answers
    heads = live_api.stream_heads()
    assert await _post(live_api, BULK, key, a=a, b=b) == answers[0]
    assert live_api.stream_heads() == heads, "a retry appends nothing"
    for field in ("first", "second"):
        created = [e for e in _events_about(live_api, answers[0][field]["object"]["id"]) if isinstance(e, NodeCreated)]
        assert len(created) == 1
    headers = dict(TOKEN_HEADERS, **{"Idempotency-Key": key})
    three = BULK.replace("}\n}", "}\n  third: TestingPersonCreate(data: {name: {value: \"c\"}}) { ok }\n}")
    async with httpx.AsyncClient(timeout=120, headers=headers) as http:
        other = await http.post(f"{live_api.url}/graphql", json={"query": three, "variables": {"a": "x", "b": "y"}})
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["errors"][0]["message"], other.text
    assert live_api.stream_heads() == heads
    figures.mutations_checked += 5
