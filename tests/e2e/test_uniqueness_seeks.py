"""Uniqueness read by index seeks (`strata_graph.value_seeks`), once the indexes are online:
a value or a tuple a stored object holds is refused, one create at a time and in a bulk
document, with nothing appended; a different tuple, or a tuple only a deleted object held, is
accepted. The seeks must have answered (not the general read they fall back to)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_graph.value_seeks import holders_by_seek
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration


async def _until_seeks_answer(api: AsyncTestClient, owner: str, answered: list[tuple[tuple[str, ...], int]]) -> None:  # type: ignore[type-arg]
    """Creates (each checks uniqueness) until both indexes answer: the first check asks for an
    index, and the API's registry sees it online some seconds after it is."""
    for i in range(240):
        answered.clear()
        person = await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "Warm%d"}}) { ok } }' % i)
        dog = await _gql(api, 'mutation { TestingDogCreate(data: {name: {value: "W%d"}, owner: {id: "%s"}}) { ok } }' % (i, owner))
        assert person["data"]["TestingPersonCreate"]["ok"] and dog["data"]["TestingDogCreate"]["ok"], (person, dog)
        if {keys for keys, n in answered if n >= 0} == {("v_name",), ("v_name", "r_owner")}:
            answered.clear()
            return
        await asyncio.sleep(0.25)
    raise AssertionError("the uniqueness indexes never came online")


def _error(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return str(body["errors"][0]["message"])


async def test_uniqueness_by_index_seeks_refuses_held_values_and_accepts_the_rest(
    animals: AsyncTestClient, nc: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch  # type: ignore[type-arg]  # noqa: F811
) -> None:
    ann = (await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Ann"}}) { object { id } } }'))
    bob = (await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Bob"}}) { object { id } } }'))
    ann_id = ann["data"]["TestingPersonCreate"]["object"]["id"]
    bob_id = bob["data"]["TestingPersonCreate"]["object"]["id"]
    rex = await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { object { id } } }' % ann_id)
    rex_id = rex["data"]["TestingDogCreate"]["object"]["id"]
    answered: list[tuple[tuple[str, ...], int]] = []

    async def counting_seek(*args: Any, keys: Sequence[str], **kwargs: Any) -> Any:
        found = await holders_by_seek(*args, keys=keys, **kwargs)
        answered.append((tuple(keys), -1 if found is None else len(found)))
        return found

    monkeypatch.setattr("strata_graphql.runtime.reader.holders_by_seek", counting_seek)  # where the reader calls it
    # a person's name; an animal's (name, owner), across the generic's node kinds
    await _until_seeks_answer(animals, bob_id, answered)
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")

    held = await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Ann"}}) { ok } }')
    assert "uniqueness" in _error(held).lower()
    held_pair = await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok } }' % ann_id)
    assert "uniqueness" in _error(held_pair).lower()
    bulk = await _gql(animals, """mutation {
      p: TestingPersonCreate(data: {name: {value: "Cid"}}) { ok }
      d: TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok }
    }""" % ann_id)
    assert bulk["errors"][0]["path"] == ["d"] and "uniqueness" in _error(bulk).lower()
    assert await store.last_seq("main") == before
    assert answered and all(n >= 0 for _, n in answered), answered  # every check was a seek
    assert any(n > 0 for _, n in answered), answered  # and found the holders

    other_owner = await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok } }' % bob_id)
    assert other_owner["data"]["TestingDogCreate"]["ok"] is True, other_owner
    deleted = await _gql(animals, 'mutation { TestingDogDelete(data: {id: "%s"}) { ok } }' % rex_id)
    assert deleted["data"]["TestingDogDelete"]["ok"] is True, deleted
    again = await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { ok } }' % ann_id)
    assert again["data"]["TestingDogCreate"]["ok"] is True, again
