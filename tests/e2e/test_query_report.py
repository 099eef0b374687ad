"""`InfrahubGraphQLQueryReport` through the API, as `infrahubctl graphql query-report` asks it:
the branch's schema decides which filters pick one object, and a query that does not parse
is a GraphQL error naming the argument, not a failure of the request."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

REPORT = "query ($q: String!) { InfrahubGraphQLQueryReport(query: $q) { targets_unique_nodes } }"


async def _report(api: AsyncTestClient, query: str, branch: str = "main") -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.post(f"/graphql/{branch}", json={"query": REPORT, "variables": {"q": query}}, headers=TOKEN_HEADERS)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_the_report_follows_the_schemas_uniqueness(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    person = "query ($n: String!) { TestingPerson(name__value: $n) { edges { node { id } } } }"
    dog = "query ($n: String!) { TestingDog(name__value: $n) { edges { node { id } } } }"  # needs its owner too
    dog_of = "query ($n: String!, $o: [ID]!) { TestingDog(name__value: $n, owner__ids: $o) { edges { node { id } } } }"
    for query, expected in ((person, True), (dog, False), (dog_of, True)):
        body = await _report(api, query)
        assert body == {"data": {"InfrahubGraphQLQueryReport": {"targets_unique_nodes": expected}}}, query

    created = await api.post("/graphql/main", json={"query": 'mutation { BranchCreate(data: {name: "report"}) { ok } }'},
                             headers=TOKEN_HEADERS)  # fmt: skip
    assert not created.json().get("errors")
    on_branch = await _report(api, person, "report")
    assert on_branch["data"]["InfrahubGraphQLQueryReport"]["targets_unique_nodes"] is True


async def test_a_query_that_does_not_parse_is_an_error_naming_the_argument(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = await _report(api, "query { TestingPerson( }")
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["InfrahubGraphQLQueryReport"]
    assert error["message"].startswith("query: not a GraphQL document")
