"""Branch support of kinds: agnostic kinds are written once and seen on every branch; local
kinds never merge."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _gql

pytestmark = pytest.mark.integration

KINDS = {"schemas": [{"version": "1.0", "nodes": [
    {"name": "Vendor", "namespace": "Testing", "branch": "agnostic",
     "attributes": [{"name": "name", "kind": "Text", "unique": True}]},
    {"name": "Scratch", "namespace": "Testing", "branch": "local",
     "attributes": [{"name": "name", "kind": "Text"}]},
    {"name": "Rack", "namespace": "Testing", "attributes": [{"name": "name", "kind": "Text"}]},
]}]}  # fmt: skip


async def _names(api: AsyncTestClient, kind: str, branch: str) -> list[str]:  # type: ignore[type-arg]
    body = await _gql(api, "query { %s { edges { node { name { value } } } } }" % kind, branch)
    return sorted(e["node"]["name"]["value"] for e in body["data"][kind]["edges"])


async def test_agnostic_kinds_are_shared_and_local_kinds_stay(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=KINDS, headers=TOKEN_HEADERS)).status_code == 200
    await _gql(api, 'mutation { BranchCreate(data: {name: "bs"}) { ok } }')
    await _gql(api, 'mutation { TestingVendorCreate(data: {name: {value: "from-branch"}}) { ok } }', "bs")
    await _gql(api, 'mutation { TestingVendorCreate(data: {name: {value: "from-main"}}) { ok } }')
    assert await _names(api, "TestingVendor", "main") == ["from-branch", "from-main"]
    assert await _names(api, "TestingVendor", "bs") == ["from-branch", "from-main"]
    await _gql(api, 'mutation { TestingScratchCreate(data: {name: {value: "mine"}}) { ok } }', "bs")
    await _gql(api, 'mutation { TestingRackCreate(data: {name: {value: "r1"}}) { ok } }', "bs")
    await _gql(api, 'mutation { BranchMerge(data: {name: "bs"}) { ok } }')
    assert await _names(api, "TestingRack", "main") == ["r1"]
    assert await _names(api, "TestingScratch", "main") == []
    assert await _names(api, "TestingScratch", "bs") == ["mine"]
