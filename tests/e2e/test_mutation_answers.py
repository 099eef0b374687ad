"""A mutation reads its object back only when the answer may show it: `{ ok }` alone answers
without a read; `object` (directly or through a fragment) is read and shaped as before."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from strata_graphql.runtime.reader import GraphReader, NodeRow
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration


async def test_the_object_is_read_back_only_when_the_answer_may_show_it(
    animals: AsyncTestClient, monkeypatch: pytest.MonkeyPatch  # type: ignore[type-arg]  # noqa: F811
) -> None:
    read_back: list[str] = []
    get = GraphReader.get

    async def counting_get(self: GraphReader, uid: str) -> NodeRow | None:
        read_back.append(uid)
        return await get(self, uid)

    monkeypatch.setattr(GraphReader, "get", counting_get)

    ok_only = await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Ann"}}) { ok } }')
    assert ok_only == {"data": {"TestingPersonCreate": {"ok": True}}}
    assert read_back == []

    shown = await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Bob"}, height: {value: 180}}) '
                                '{ ok object { id name { value } height { value } } } }')  # fmt: skip
    created: dict[str, Any] = shown["data"]["TestingPersonCreate"]
    assert created["ok"] is True and read_back == [created["object"]["id"]]
    assert created["object"]["name"] == {"value": "Bob"} and created["object"]["height"] == {"value": 180}

    read_back.clear()
    through_fragment = await _gql(animals, """mutation {
      TestingPersonUpdate(data: {id: "%s", height: {value: 181}}) { ...answer }
    } fragment answer on TestingPersonUpdate { ok object { height { value } } }""" % created["object"]["id"])
    assert through_fragment["data"]["TestingPersonUpdate"] == {"ok": True, "object": {"height": {"value": 181}}}
    assert read_back == [created["object"]["id"]]
