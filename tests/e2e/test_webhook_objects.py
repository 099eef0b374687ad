"""Webhook objects through the ordinary GraphQL mutations and queries; bad input is refused
naming the field, and nothing is appended."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.webhook_harness import create_webhook, gql, webhook_id

pytestmark = pytest.mark.integration

_READ = """query { CoreStandardWebhook { count edges { node { id name { value } url { value } event_type { value }
  branch_scope { value } branch_names { value } active { value } validate_certificates { value } } } } }"""


async def test_create_update_list_and_delete(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    uid = await webhook_id(api, name="ops", url="https://hooks.example.com/strata",
                           event_type=["node.created", "infrahub.branch.merged"])
    listed = (await gql(api, _READ))["data"]["CoreStandardWebhook"]
    assert listed["count"] == 1
    node = listed["edges"][0]["node"]
    assert node["id"] == uid and node["url"]["value"] == "https://hooks.example.com/strata"
    assert node["event_type"]["value"] == ["node.created", "infrahub.branch.merged"]
    assert node["branch_scope"]["value"] == "default_branch" and node["active"]["value"] is True
    updated = await gql(api, """mutation($id: String!) { CoreStandardWebhookUpdate(data: {id: $id,
        branch_scope: {value: "named_branches"}, branch_names: {value: ["feature/x"]}, active: {value: false}})
        { ok } }""", {"id": uid})
    assert updated["data"]["CoreStandardWebhookUpdate"]["ok"] is True, updated
    node = (await gql(api, _READ))["data"]["CoreStandardWebhook"]["edges"][0]["node"]
    assert node["branch_names"]["value"] == ["feature/x"] and node["active"]["value"] is False
    generic = await gql(api, "query { CoreWebhook { count edges { node { __typename } } } }")
    assert generic["data"]["CoreWebhook"]["edges"] == [{"node": {"__typename": "CoreStandardWebhook"}}]
    deleted = await gql(api, 'mutation($id: String!) { CoreStandardWebhookDelete(data: {id: $id}) { ok } }', {"id": uid})
    assert deleted["data"]["CoreStandardWebhookDelete"]["ok"] is True, deleted
    assert (await gql(api, _READ))["data"]["CoreStandardWebhook"]["count"] == 0
    missing = await api.get(f"/api/webhooks/{uid}/deliveries", headers=TOKEN_HEADERS)
    assert missing.status_code == 404


@pytest.mark.parametrize(("fields", "field", "reason"), [
    ({"url": "ftp://files.example.com/in"}, "url", "not an http or https URL"),
    ({"url": "https://"}, "url", "not a valid URL"),
    ({"event_type": ["node.created", "node.exploded"]}, "event_type", "'node.exploded' is not a known event type"),
    ({"branch_scope": "some_branches"}, "branch_scope", "is not one of the choices"),
    ({"branch_scope": "named_branches"}, "branch_names", "at least one branch"),
    ({"shared_key": "whsec_!!"}, "shared_key", "not valid base64"),
])  # fmt: skip
async def test_bad_input_names_the_field_and_appends_nothing(
    api: AsyncTestClient, nc: Client, settings: Settings, fields: dict[str, Any], field: str, reason: str  # type: ignore[type-arg]
) -> None:
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    before = await store.last_seq("main")
    body = await create_webhook(api, **{"url": "https://hooks.example.com/in", **fields})
    assert body.get("errors"), body
    text = " ".join(str(e.get("message")) for e in body["errors"])
    assert field in text and reason in text, text
    assert await store.last_seq("main") == before
