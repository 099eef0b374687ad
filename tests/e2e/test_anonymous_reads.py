"""`STRATA_ANONYMOUS_READ=false`: every read route refuses a caller without credentials and
answers one with a token, over a real server."""

from __future__ import annotations

import pytest

from strata_api.resources import SDK_TEST_TOKEN
from strata_core.settings import Settings
from tests.e2e.live_stack import live_stack

pytestmark = pytest.mark.integration

_NODE = "5f0c8f8e-1d1e-4c2a-9a3b-0d5e6f7a8b9c"
_READ_ROUTES = (
    "/api/schema", "/api/schema/summary", "/schema.graphql", "/api/diff/data?branch=closed",
    "/api/diff/schema?branch=closed", "/api/diff/files?branch=closed", "/api/diff/artifacts?branch=closed",
    f"/api/history/{_NODE}", f"/api/storage/object/{_NODE}", f"/api/webhooks/{_NODE}/deliveries",
)


async def test_every_read_route_needs_a_caller(settings: Settings, neo4j_driver: object) -> None:
    async with live_stack(settings, anonymous_read=False) as stack:
        token = {"X-INFRAHUB-KEY": SDK_TEST_TOKEN}
        created = await stack.gql('mutation { BranchCreate(data: {name: "closed"}) { ok } }', headers=token)
        assert created["data"]["BranchCreate"]["ok"] is True
        for route in _READ_ROUTES:
            anonymous = await stack.http.get(route)
            assert anonymous.status_code == 401, (route, anonymous.text)
            known = await stack.http.get(route, headers=token)
            assert known.status_code != 401, (route, known.text)
        query = await stack.http.post("/graphql/main", json={"query": "query { InfrahubInfo { version } }"})
        assert query.json()["errors"][0]["extensions"]["code"] == "auth.required"
