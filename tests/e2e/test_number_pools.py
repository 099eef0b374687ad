"""Number pools: `{from_pool: {id}}` on a Number attribute takes the lowest number of the pool's
range that no object holds; an identifier gives its number again; a pool of another attribute,
or one with nothing left, is refused and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture

pytestmark = pytest.mark.integration


async def _pool(api: AsyncTestClient, kind: str, attribute: str, start: int, end: int) -> str:  # type: ignore[type-arg]
    body = await _gql(api, 'mutation { CoreNumberPoolCreate(data: {name: {value: "%s-%s-%d"}, node: {value: "%s"}, '
                      'node_attribute: {value: "%s"}, start_range: {value: %d}, end_range: {value: %d}}) '
                      "{ object { id } } }" % (kind, attribute, start, kind, attribute, start, end))  # fmt: skip
    assert not body.get("errors"), body
    return str(body["data"]["CoreNumberPoolCreate"]["object"]["id"])


async def _person(api: AsyncTestClient, name: str, height: str) -> dict[str, Any]:  # type: ignore[type-arg]
    return await _gql(api, 'mutation { TestingPersonCreate(data: {name: {value: "%s"}, height: %s}) '
                      "{ object { height { value } } } }" % (name, height))  # fmt: skip


async def _heights(api: AsyncTestClient) -> dict[str, int | None]:  # type: ignore[type-arg]
    body = await _gql(api, "query { TestingPerson { edges { node { name { value } height { value } } } } }")
    return {e["node"]["name"]["value"]: e["node"]["height"]["value"] for e in body["data"]["TestingPerson"]["edges"]}


async def test_a_pool_gives_the_lowest_free_number_until_none_is_left(animals: AsyncTestClient) -> None:  # type: ignore[type-arg]  # noqa: F811
    pool = await _pool(animals, "TestingPerson", "height", 170, 172)
    assert not (await _person(animals, "held", "{value: 171}")).get("errors")
    first = await _person(animals, "first", '{from_pool: {id: "%s"}}' % pool)
    assert first["data"]["TestingPersonCreate"]["object"]["height"]["value"] == 170
    second = await _person(animals, "second", '{from_pool: {id: "%s"}}' % pool)
    assert second["data"]["TestingPersonCreate"]["object"]["height"]["value"] == 172  # 171 is held

    none_left = await _person(animals, "third", '{from_pool: {id: "%s"}}' % pool)
    assert "no free number left in 170..172" in none_left["errors"][0]["message"]
    assert await _heights(animals) == {"held": 171, "first": 170, "second": 172}
    allocated = await _gql(animals, 'query { InfrahubResourcePoolAllocated(pool_id: "%s", resource_id: "%s") '
                                    "{ count edges { node { display_label kind } } } }" % (pool, pool))  # fmt: skip
    assert [e["node"]["display_label"] for e in allocated["data"]["InfrahubResourcePoolAllocated"]["edges"]] == [
        "first", "held", "second"]  # by number: 170, 171, 172  # fmt: skip


async def test_an_identifier_keeps_its_number_and_a_pool_of_another_attribute_is_refused(
    animals: AsyncTestClient,  # type: ignore[type-arg]  # noqa: F811
) -> None:
    pool = await _pool(animals, "TestingPerson", "height", 200, 210)
    keyed = '{from_pool: {id: "%s", identifier: "rack-1"}}' % pool
    for name in ("a", "b"):
        assert not (await _person(animals, name, keyed)).get("errors")
    assert not (await _person(animals, "c", '{from_pool: {id: "%s"}}' % pool)).get("errors")
    assert await _heights(animals) == {"a": 200, "b": 200, "c": 201}

    weights = await _pool(animals, "TestingDog", "weight", 1, 9)
    wrong = await _person(animals, "d", '{from_pool: {id: "%s"}}' % weights)
    assert "gives numbers to TestingDog.weight, not to TestingPerson.height" in wrong["errors"][0]["message"]
    assert "d" not in await _heights(animals)

