"""`AccountProfile`: the caller's own account, with its groups, their roles and permissions, as
infrahub-sdk's `get_user_permissions` reads them; anonymous callers have none."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration

PROFILE = """query { AccountProfile { id display_label __typename name { value } account_type { value }
  member_of_groups { count edges { node { display_label group_type { value }
    ... on CoreAccountGroup { roles { count edges { node { permissions { count edges { node {
      display_label identifier { value } } } } } } } } } } } } }"""


async def test_the_caller_reads_its_groups_and_permissions(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = (await api.post("/graphql/main", json={"query": PROFILE}, headers=TOKEN_HEADERS)).json()
    assert "errors" not in body, body
    profile = body["data"]["AccountProfile"]
    assert profile["name"]["value"] == "admin" and profile["__typename"] == "CoreAccount"
    assert profile["display_label"] == "Admin"  # what `infrahubctl info` shows as the user
    assert profile["account_type"]["value"] == "User"
    [group] = profile["member_of_groups"]["edges"]
    assert group["node"]["display_label"] == "Super Administrators"
    permissions = [p["node"]["identifier"]["value"] for r in group["node"]["roles"]["edges"]
                   for p in r["node"]["permissions"]["edges"]]  # fmt: skip
    assert permissions == ["global:super_admin:allow_all"]

    anonymous = (await api.post("/graphql/main", json={"query": "query { AccountProfile { id } }"})).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "auth.required"
