"""The schema REST API end to end: load, reload, check, refusals, branches."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from litestar.testing import AsyncTestClient

from nats.aio.client import Client

from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration

BASE = Path("/work/shared/data/schemas/schema-library-base")
if not BASE.exists():
    BASE = Path(__file__).resolve().parents[3] / "shared" / "data" / "schemas" / "schema-library-base"


def _base_documents() -> dict[str, Any]:
    return {"schemas": [yaml.safe_load(p.read_text()) for p in sorted(BASE.glob("*.yml"))]}


@pytest.fixture
def store(nc: Client, settings: Settings) -> EventStore:
    """The test's own view of the streams (the app's connections live on the app's loop)."""
    return EventStore(nc, StreamNames(prefix=settings.stream_prefix))


async def test_base_schemas_load_together_and_reload_changes_nothing(api: AsyncTestClient, store: EventStore) -> None:  # type: ignore[type-arg]
    first = await api.post("/api/schema/load?branch=main", json=_base_documents(), headers=TOKEN_HEADERS)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["hash"] != body["previous_hash"]
    schema = (await api.get("/api/schema?branch=main")).json()
    kinds = {n["kind"] for n in schema["nodes"]} | {g["kind"] for g in schema["generics"]}
    assert {"DcimDevice", "IpamPrefix", "LocationGeneric", "OrganizationManufacturer"} <= kinds
    assert schema["main"] == body["hash"]
    before = await store.last_seq("main")
    again = await api.post("/api/schema/load?branch=main", json=_base_documents(), headers=TOKEN_HEADERS)
    assert again.json() == {"hash": body["hash"], "previous_hash": body["hash"], "warnings": []}
    assert await store.last_seq("main") == before, "an unchanged reload appends nothing"
    check = await api.post("/api/schema/check?branch=main", json=_base_documents())
    assert check.status_code == 202 and check.json() == {"diff": {"added": {}, "changed": {}, "removed": {}}}
    one = await api.get("/api/schema/DcimDevice?branch=main")
    assert one.status_code == 200 and one.json()["kind"] == "DcimDevice"


async def test_bad_schema_names_file_node_path_and_reason_and_appends_nothing(api: AsyncTestClient, store: EventStore) -> None:  # type: ignore[type-arg]
    bad = {"schemas": [{"version": "1.0", "nodes": [
        {"name": "Widget", "namespace": "Test", "attributes": [{"name": "size", "kind": "Numberish"}]}
    ]}]}  # fmt: skip
    before = await store.last_seq("main")
    response = await api.post("/api/schema/load?branch=main", json=bad, headers=TOKEN_HEADERS)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any("kind" in [str(x) for x in d["loc"]] for d in detail), detail
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "TestWidget" in messages and "attributes[0].kind" in messages
    assert await store.last_seq("main") == before


async def test_writes_need_credentials(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    anonymous = await api.post("/api/schema/load?branch=main", json=_base_documents())
    assert anonymous.status_code == 401
    wrong = await api.post("/api/auth/login", json={"username": "admin", "password": "nope"})
    assert wrong.status_code == 401
    login = await api.post("/api/auth/login", json={"username": "admin", "password": "infrahub"})
    assert login.status_code == 200
    access = login.json()["access_token"]
    authed = await api.post(
        "/api/schema/load?branch=main", json=_base_documents(), headers={"Authorization": f"Bearer {access}"}
    )
    assert authed.status_code == 200
    refreshed = await api.post(
        "/api/auth/refresh", headers={"Authorization": f"Bearer {login.json()['refresh_token']}"}
    )
    assert refreshed.status_code == 200 and refreshed.json()["access_token"]


async def test_schema_on_a_branch_does_not_touch_main(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    created = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={
        "query": 'mutation { BranchCreate(data: {name: "feature/racks"}) { ok object { name } } }'
    })  # fmt: skip
    assert created.json()["data"]["BranchCreate"]["object"]["name"] == "feature/racks"
    loaded = await api.post("/api/schema/load?branch=feature/racks", json=_base_documents(), headers=TOKEN_HEADERS)
    assert loaded.status_code == 200
    listed = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={"query": "query { Branch { name has_schema_changes } }"})
    flags = {b["name"]: b["has_schema_changes"] for b in listed.json()["data"]["Branch"]}
    assert flags == {"main": False, "feature/racks": True}
    on_branch = {n["kind"] for n in (await api.get("/api/schema?branch=feature/racks")).json()["nodes"]}
    on_main = {n["kind"] for n in (await api.get("/api/schema?branch=main")).json()["nodes"]}
    assert "DcimDevice" in on_branch and "DcimDevice" not in on_main
    unknown = await api.get("/api/schema?branch=nope")
    assert unknown.status_code == 400  # what infrahub-sdk expects of an unknown branch here


async def test_migrations_backfill_defaults_and_move_renamed_attributes(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    v1 = {"schemas": [{"version": "1.0", "nodes": [{"name": "Widget", "namespace": "Test",
          "attributes": [{"id": "attr-size", "name": "size", "kind": "Number", "optional": True}]}]}]}  # fmt: skip
    assert (await api.post("/api/schema/load?branch=main", json=v1, headers=TOKEN_HEADERS)).status_code == 200
    for size in (1, 2):
        created = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={
            "query": "mutation { TestWidgetCreate(data: {size: {value: %d}}) { ok } }" % size})  # fmt: skip
        assert created.json()["data"]["TestWidgetCreate"]["ok"], created.text
    v2 = {"schemas": [{"version": "1.0", "nodes": [{"name": "Widget", "namespace": "Test", "attributes": [
          {"id": "attr-size", "name": "width", "kind": "Number", "optional": True},
          {"name": "color", "kind": "Text", "default_value": "grey"}]}]}]}  # fmt: skip
    loaded = await api.post("/api/schema/load?branch=main", json=v2, headers=TOKEN_HEADERS)
    assert loaded.status_code == 200, loaded.text
    query = 'query { TestWidget(color__value: "grey") { count edges { node { width { value } color { value is_default } } } } }'
    body = (await api.post("/graphql/main", json={"query": query})).json()
    assert body["data"]["TestWidget"]["count"] == 2, body  # the backfilled default is filterable
    nodes = [e["node"] for e in body["data"]["TestWidget"]["edges"]]
    assert sorted(n["width"]["value"] for n in nodes) == [1, 2]  # values moved to the new name
    assert all(n["color"] == {"value": "grey", "is_default": True} for n in nodes)


async def test_a_kind_renamed_by_id_keeps_its_objects(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    def schema(name: str) -> dict[str, Any]:
        return {"schemas": [{"version": "1.0", "nodes": [{"id": "kind-gadget", "name": name, "namespace": "Test",
                 "attributes": [{"name": "label", "kind": "Text"}]}]}]}  # fmt: skip

    assert (await api.post("/api/schema/load?branch=main", json=schema("Gadget"), headers=TOKEN_HEADERS)).status_code == 200
    made = await api.post("/graphql/main", headers=TOKEN_HEADERS,
                          json={"query": 'mutation { TestGadgetCreate(data: {label: {value: "g1"}}) { ok } }'})  # fmt: skip
    assert made.json()["data"]["TestGadgetCreate"]["ok"], made.text
    renamed = await api.post("/api/schema/load?branch=main", json=schema("Gizmo"), headers=TOKEN_HEADERS)
    assert renamed.status_code == 200, renamed.text
    body = (await api.post("/graphql/main", json={"query": "query { TestGizmo { count edges { node { __typename label { value } } } } }"})).json()
    assert body["data"]["TestGizmo"]["count"] == 1, body
    assert body["data"]["TestGizmo"]["edges"][0]["node"] == {"__typename": "TestGizmo", "label": {"value": "g1"}}


async def test_a_change_the_stored_data_breaks_is_refused_naming_the_objects(
    api: AsyncTestClient, store: EventStore  # type: ignore[type-arg]
) -> None:
    v1 = {"schemas": [{"version": "1.0", "nodes": [{"name": "Box", "namespace": "Test",
          "attributes": [{"name": "label", "kind": "Text"}]}]}]}  # fmt: skip
    assert (await api.post("/api/schema/load?branch=main", json=v1, headers=TOKEN_HEADERS)).status_code == 200
    ids = []
    for label in ("a", "a"):
        made = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={
            "query": 'mutation { TestBoxCreate(data: {label: {value: "%s"}}) { object { id } } }' % label})  # fmt: skip
        ids.append(made.json()["data"]["TestBoxCreate"]["object"]["id"])
    before = await store.last_seq("main")
    mandatory = {"schemas": [{"version": "1.0", "nodes": [{"name": "Box", "namespace": "Test", "attributes": [
        {"name": "label", "kind": "Text"}, {"name": "weight", "kind": "Number"}]}]}]}  # fmt: skip
    unique = {"schemas": [{"version": "1.0", "nodes": [{"name": "Box", "namespace": "Test",
              "attributes": [{"name": "label", "kind": "Text", "unique": True}]}]}]}  # fmt: skip
    for change in (mandatory, unique):
        refused = await api.post("/api/schema/load?branch=main", json=change, headers=TOKEN_HEADERS)
        assert refused.status_code == 422, refused.text
        assert all(uid in refused.text for uid in ids), refused.text
    assert await store.last_seq("main") == before


async def test_a_loaded_schema_has_its_graphql_schema_built_before_any_query(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    """The first query after a load would otherwise wait for the build (0.8 s for the base
    schemas) on the event loop, stalling every other request with it."""
    resources = api.app.state["resources"]
    loaded = await api.post("/api/schema/load?branch=main", json=_base_documents(), headers=TOKEN_HEADERS)
    assert loaded.status_code == 200, loaded.text
    new_hash = loaded.json()["hash"]
    for _ in range(300):  # no GraphQL request is sent meanwhile
        if new_hash in resources.graphql_cache:
            break
        await asyncio.sleep(0.1)
    assert new_hash in resources.graphql_cache
