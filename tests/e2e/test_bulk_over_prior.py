"""Bulk documents in flight on one branch: each is decided over the unprojected ones before it
(`bulk_prior`), with the same outcome as after their projection."""

from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any

import pytest

from strata_api import bulk, bulk_prior
from strata_mutations import NodeEvent
from tests.e2e.live_stack import LiveStack
from tests.e2e.test_concurrent_writers import _gql, animals, appended, slow_projector

pytestmark = pytest.mark.integration

__all__ = ["animals", "appended", "slow_projector"]  # fixtures used here


@pytest.fixture
def decided_over(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many unprojected events each bulk document was decided over, when any."""
    counts: list[int] = []
    prior_objects = bulk_prior.prior_objects

    async def recording(ctx: Any, events: list[NodeEvent]) -> bulk_prior.PriorObjects:
        counts.append(len(events))
        return await prior_objects(ctx, events)

    monkeypatch.setattr(bulk, "prior_objects", recording)
    return counts


def _document(creates: list[str]) -> str:
    return "mutation { %s }" % " ".join(f"c{i}: {create} {{ ok }}" for i, create in enumerate(creates))


async def test_documents_in_flight_see_the_objects_and_values_before_them(
    slow_projector: list[list[NodeEvent] | None], animals: LiveStack, appended: threading.Event,
    decided_over: list[int],
) -> None:
    people = {f"bp{i}": str(uuid.uuid4()) for i in range(3)}
    first = asyncio.ensure_future(_gql(animals, _document([
        'TestingPersonCreate(data: {id: "%s", name: {value: "%s"}})' % (uid, name) for name, uid in people.items()
    ])))  # fmt: skip
    await asyncio.to_thread(appended.wait, 30)  # appended; its projection is held 0.3 s
    dogs = _document([
        'TestingDogCreate(data: {name: {value: "dog-%s"}, owner: {id: "%s"}})' % (name, uid) for name, uid in people.items()
    ])  # fmt: skip
    duplicate = _document(['TestingPersonCreate(data: {name: {value: "bp1"}})',
                           'TestingPersonCreate(data: {name: {value: "bp9"}})'])  # fmt: skip
    first_answer, dogs_answer, duplicate_answer = await asyncio.gather(
        first, _gql(animals, dogs), _gql(animals, duplicate)
    )
    assert not first_answer.get("errors") and not dogs_answer.get("errors"), (first_answer, dogs_answer)
    assert "unique" in duplicate_answer["errors"][0]["message"].lower(), duplicate_answer
    assert decided_over and all(count > 0 for count in decided_over), "no document was decided over another"
    listed = await _gql(animals, "query { TestingPerson { edges { node { name { value } animals { count } } } } }")
    found = {e["node"]["name"]["value"]: e["node"]["animals"]["count"] for e in listed["data"]["TestingPerson"]["edges"]}
    assert found == {name: 1 for name in people}, "bp9 stayed out with the refused document; each owns its dog"
