"""`/api/query/{query_id}`: a stored `CoreGraphQLQuery` run by id or name, with its variables
from the query string (GET) or the body (POST); `update_group` keeps the objects it answered in
a `CoreGraphQLQueryGroup` per set of variables."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from strata_api.stored_queries import group_name
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _create, _gql
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

_PEOPLE = "query($name: String) { TestingPerson(name__value: $name) { edges { node { id name { value } } } } }"


async def _store_query(api: AsyncTestClient) -> str:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    create = 'mutation($q: String!) { CoreGraphQLQueryCreate(data: {name: {value: "people"}, query: {value: $q}}) { object { id } } }'
    response = await api.post("/graphql/main", json={"query": create, "variables": {"q": _PEOPLE}}, headers=TOKEN_HEADERS)
    body = response.json()
    assert not body.get("errors"), body
    uid: str = body["data"]["CoreGraphQLQueryCreate"]["object"]["id"]
    return uid


def _names(body: dict[str, Any]) -> list[str]:
    return [e["node"]["name"]["value"] for e in body["data"]["TestingPerson"]["edges"]]


async def test_run_by_name_or_id_with_variables_from_the_query_string_or_the_body(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    query_id = await _store_query(api)
    await _create(api, "Ann")
    await _create(api, "Ben")
    got = await api.get("/api/query/people?name=Ann", headers=TOKEN_HEADERS)
    assert got.status_code == 200 and _names(got.json()) == ["Ann"]
    posted = await api.post(f"/api/query/{query_id}", json={"variables": {"name": "Ben"}}, headers=TOKEN_HEADERS)
    assert posted.status_code == 200 and _names(posted.json()) == ["Ben"]
    assert sorted(_names((await api.post("/api/query/people", headers=TOKEN_HEADERS)).json())) == ["Ann", "Ben"]
    missing = await api.get("/api/query/nobody", headers=TOKEN_HEADERS)
    assert missing.status_code == 404 and "nobody" in missing.json()["detail"]
    refused = await api.post("/api/query/people", json={"variables": {"name": 5}}, headers=TOKEN_HEADERS)
    assert refused.status_code == 422 and refused.json()["errors"][0]["message"].startswith("GraphQLQuery people: ")


async def test_update_group_keeps_one_group_per_set_of_variables(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await _store_query(api)
    ann = await _create(api, "Ann")
    ben = await _create(api, "Ben")
    for name in ("Ann", "Ann", "Ben"):
        answered = await api.get(f"/api/query/people?name={name}&update_group=true", headers=TOKEN_HEADERS)
        assert answered.status_code == 200
    body = await _gql(api, "query { CoreGraphQLQueryGroup { edges { node { name { value } parameters { value } query { node { id } } members { edges { node { id } } } } } } }")
    groups = {e["node"]["name"]["value"]: e["node"] for e in body["data"]["CoreGraphQLQueryGroup"]["edges"]}
    assert set(groups) == {group_name("people", {"name": "Ann"}), group_name("people", {"name": "Ben"})}
    assert [m["node"]["id"] for m in groups[group_name("people", {"name": "Ann"})]["members"]["edges"]] == [ann]
    assert [m["node"]["id"] for m in groups[group_name("people", {"name": "Ben"})]["members"]["edges"]] == [ben]
    assert groups[group_name("people", {"name": "Ben"})]["parameters"]["value"] == {"name": "Ben"}
    bad = await api.get("/api/query/people?update_group=maybe", headers=TOKEN_HEADERS)
    assert bad.status_code == 422 and "update_group" in bad.json()["detail"]
