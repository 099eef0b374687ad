"""`GET /api/diff/schema`, `/api/diff/files` and `/api/diff/artifacts`."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _gql
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration


async def test_schema_diff_is_what_the_branch_changed_since_the_fork(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    await _gql(api, 'mutation { BranchCreate(data: {name: "shape"}) { ok } }')
    untouched = (await api.get("/api/diff/schema?branch=shape")).json()
    assert untouched["diff"] == {"added": {}, "changed": {}, "removed": {}}
    assert untouched["from_schema_hash"] == untouched["to_schema_hash"]
    changed: dict[str, Any] = copy.deepcopy(ANIMALS)
    person = next(n for n in changed["schemas"][0]["nodes"] if n["name"] == "Person")
    person["attributes"].append({"name": "nickname", "kind": "Text", "optional": True})
    changed["schemas"][0]["nodes"].append({"name": "Cat", "namespace": "Testing", "inherit_from": ["TestingAnimal"]})
    assert (await api.post("/api/schema/load?branch=shape", json=changed, headers=TOKEN_HEADERS)).status_code == 200
    body = (await api.get("/api/diff/schema?branch=shape")).json()
    assert body["branch"] == "shape" and body["from_schema_hash"] != body["to_schema_hash"]
    assert "TestingCat" in body["diff"]["added"]
    assert "nickname" in body["diff"]["changed"]["TestingPerson"]["changed"]["attributes"]["added"]
    # main did not change: its own diff is empty, and a later change on main is not the branch's
    main = (await api.get("/api/diff/schema?branch=main")).json()
    assert main["diff"] == {"added": {}, "changed": {}, "removed": {}}
    assert (await api.get("/api/diff/schema?branch=nowhere")).status_code == 404


async def test_files_and_artifacts_are_none(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await _gql(api, 'mutation { BranchCreate(data: {name: "plain"}) { ok } }')
    assert (await api.get("/api/diff/files?branch=plain")).json() == {"plain": {}}
    assert (await api.get("/api/diff/artifacts?branch=plain")).json() == {}
    assert (await api.get("/api/diff/files?branch=nowhere")).status_code == 404
