"""A list read in index order keeps the rows it decoded by version: listing again reads no record
content, and an object changed since is read again, never shown as it was."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from strata_graphql.runtime.row_versions import RowVersions, row_versions_for
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration

NODE = "node { name { value } height { value } animals { edges { node { display_label } } } }"
LIST = "query { TestingPerson(limit: 10) { edges { %s } } }" % NODE
# on a branch, a page is read in index order while the origin's part of it fills its window
FIRST = "query { TestingPerson(limit: 1) { edges { %s } } }" % NODE


def _versions(api: AsyncTestClient) -> RowVersions:  # type: ignore[type-arg]
    resources = api.app.state["resources"]
    return row_versions_for(resources.driver, resources.settings.neo4j_database)


def _people(body: dict[str, Any]) -> dict[str, tuple[int | None, list[str]]]:
    return {e["node"]["name"]["value"]: (e["node"]["height"]["value"],
                                         [a["node"]["display_label"] for a in e["node"]["animals"]["edges"]])
            for e in body["data"]["TestingPerson"]["edges"]}  # fmt: skip


async def _list_in_index_order(api: AsyncTestClient, query: str = LIST, branch: str = "main") -> dict[str, Any]:  # type: ignore[type-arg]
    """The list, once it is read in index order: the order index is made on first use and the
    API sees it online within seconds."""
    versions = _versions(api)
    deadline = time.monotonic() + 30
    while True:
        before = versions.received
        body = await _gql(api, query, branch)
        if versions.received > before or time.monotonic() > deadline:
            assert versions.received > before, "the list was never read in index order"
            return body
        await asyncio.sleep(0.5)


async def test_a_list_reads_again_only_what_changed(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]  # noqa: F811
    alice = (await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Alice"}, height: {value: 170}}) { object { id } } }'))["data"]["TestingPersonCreate"]["object"]["id"]  # fmt: skip
    await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Bob"}}) { ok } }')
    rex = (await _gql(animals, 'mutation { TestingDogCreate(data: {name: {value: "Rex"}, owner: {id: "%s"}}) { object { id } } }' % alice))["data"]["TestingDogCreate"]["object"]["id"]  # fmt: skip
    first = await _list_in_index_order(animals)
    assert _people(first) == {"Alice": (170, ["Rex"]), "Bob": (None, [])}

    versions = _versions(animals)
    read = versions.received
    assert await _gql(animals, LIST) == first
    assert versions.received == read, "listing the same objects again read their content again"

    await _gql(animals, 'mutation { TestingDogUpdate(data: {id: "%s", name: {value: "Max"}}) { ok } }' % rex)
    await _gql(animals, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 171}}) { ok } }' % alice)
    assert _people(await _gql(animals, LIST)) == {"Alice": (171, ["Max"]), "Bob": (None, [])}
    assert versions.received == read + 2, "the changed person and dog, and nothing else, are read again"


async def test_a_branch_list_reads_again_only_what_changed(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]  # noqa: F811
    ids = {}
    for name in ("Alice", "Bob", "Carl"):
        created = await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "%s"}}) { object { id } } }' % name)
        ids[name] = created["data"]["TestingPersonCreate"]["object"]["id"]
    await _gql(animals, 'mutation { BranchCreate(data: {name: "rows"}) { ok } }')
    first = await _list_in_index_order(animals, FIRST, "rows")
    assert _people(first) == {"Alice": (None, [])}

    versions = _versions(animals)
    received = versions.received
    assert await _gql(animals, FIRST, "rows") == first
    assert versions.received == received, "listing the same objects on the branch again read their content again"

    await _gql(animals, 'mutation { TestingPersonUpdate(data: {id: "%s", height: {value: 160}}) { ok } }' % ids["Alice"], "rows")
    assert _people(await _gql(animals, FIRST, "rows")) == {"Alice": (160, [])}
    assert versions.received == received + 1, "the person changed on the branch, and nothing else, is read again"
    assert _people(await _gql(animals, FIRST)) == {"Alice": (None, [])}, "main does not see the branch's change"
