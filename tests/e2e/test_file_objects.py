"""File objects as infrahub-sdk sends them: a create or update carries its file in a multipart
request; the object records the file's name, size, SHA-1, type and storage id, which clients
cannot set; the file is downloaded by id, hfid or storage id; a refused mutation or a bad
request stores nothing."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from strata_core.settings import Settings
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_object_store import _stored_objects

pytestmark = pytest.mark.integration

CONTRACTS = {"schemas": [{"version": "1.0", "nodes": [
    {"name": "FileContract", "namespace": "Testing", "inherit_from": ["CoreFileObject"],
     "human_friendly_id": ["contract_ref__value"],
     "attributes": [{"name": "contract_ref", "kind": "Text", "unique": True},
                    {"name": "description", "kind": "Text", "optional": True}]},
]}]}  # fmt: skip
PDF = b"%PDF-1.4 a contract"
FIELDS = "id contract_ref { value } description { value } file_name { value } file_size { value } " \
         "checksum { value } file_type { value } storage_id { value }"  # fmt: skip
CREATE = "mutation ($file: Upload!, $ref: String!) { TestingFileContractCreate(data: {contract_ref: {value: $ref}}, " \
         "file: $file) { ok object { %s } } }" % FIELDS  # fmt: skip
UPDATE = "mutation ($file: Upload, $id: String!, $d: String) { TestingFileContractUpdate(" \
         "data: {id: $id, description: {value: $d}}, file: $file) { ok object { %s } } }" % FIELDS  # fmt: skip


async def _multipart(api: AsyncTestClient, query: str, variables: dict[str, Any],  # type: ignore[type-arg]
                     file: tuple[str, bytes] | None) -> dict[str, Any]:  # fmt: skip
    operations = msgspec.json.encode({"query": query, "variables": {**variables, "file": None}}).decode()
    form = {"operations": operations, "map": '{"0": ["variables.file"]}' if file else "{}"}
    response = await api.post("/graphql/main", data=form, files={"0": file} if file else {"x": ("x", b"")},
                              headers=TOKEN_HEADERS)  # fmt: skip
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _loaded(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=CONTRACTS, headers=TOKEN_HEADERS)).status_code == 200


async def test_a_file_travels_with_its_object(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await _loaded(api)
    created = await _multipart(api, CREATE, {"ref": "C-1"}, ("contract.pdf", PDF))
    assert "errors" not in created, created
    node = created["data"]["TestingFileContractCreate"]["object"]
    assert node["file_name"]["value"] == "contract.pdf"
    assert node["file_size"]["value"] == len(PDF)
    assert node["checksum"]["value"] == hashlib.sha1(PDF).hexdigest()
    assert node["file_type"]["value"] == "application/pdf"  # from the content's magic bytes
    first_storage = node["storage_id"]["value"]

    for url in (f"/api/storage/files/{node['id']}", "/api/storage/files/by-hfid/TestingFileContract?hfid=C-1",
                f"/api/storage/files/by-storage-id/{first_storage}"):  # fmt: skip
        download = await api.get(url, headers=TOKEN_HEADERS)
        assert download.status_code == 200, (url, download.text)
        assert download.content == PDF
        assert download.headers["content-type"].startswith("application/pdf")
        assert download.headers["content-disposition"].startswith('attachment; filename="contract.pdf"')

    # an update without a file keeps it; one with a file replaces it (a new storage id)
    kept = await _multipart(api, UPDATE, {"id": node["id"], "d": "signed"}, None)
    assert kept["data"]["TestingFileContractUpdate"]["object"]["storage_id"]["value"] == first_storage
    replaced = await _multipart(api, UPDATE, {"id": node["id"], "d": "v2"}, ("notes.txt", b"plain words"))
    after = replaced["data"]["TestingFileContractUpdate"]["object"]
    assert after["description"]["value"] == "v2" and after["file_name"]["value"] == "notes.txt"
    assert after["file_type"]["value"] == "text/plain"  # no magic bytes: from the name
    assert after["storage_id"]["value"] != first_storage
    download = await api.get(f"/api/storage/files/{node['id']}?preview=true", headers=TOKEN_HEADERS)
    assert download.content == b"plain words" and download.headers["content-disposition"].startswith("inline;")


async def test_refused_and_bad_requests_store_nothing(api: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    await _loaded(api)
    assert "errors" not in await _multipart(api, CREATE, {"ref": "C-1"}, ("a.pdf", PDF))
    stored = await _stored_objects(settings)

    duplicate = await _multipart(api, CREATE, {"ref": "C-1"}, ("b.pdf", PDF))
    assert "contract_ref" in duplicate["errors"][0]["message"]
    without_file = await _multipart(api, CREATE, {"ref": "C-2"}, None)
    assert "file" in without_file["errors"][0]["message"]
    literal = await api.post("/graphql/main", headers=TOKEN_HEADERS, json={
        "query": 'mutation { TestingFileContractCreate(data: {contract_ref: {value: "C-3"}}, file: "text") { ok } }'})
    assert "Upload" in literal.json()["errors"][0]["message"]
    as_attribute = await _multipart(api, "mutation ($file: Upload!) { TestingFileContractCreate(data: {contract_ref: "
                                         '{value: "C-4"}, storage_id: {value: "x"}}, file: $file) { ok } }', {}, ("c.pdf", PDF))  # fmt: skip
    assert "storage_id" in as_attribute["errors"][0]["message"]
    bad_map = await api.post("/graphql/main", headers=TOKEN_HEADERS, files={"0": ("d.pdf", PDF)}, data={
        "operations": msgspec.json.encode({"query": CREATE, "variables": {"ref": "C-5"}}).decode(),
        "map": '{"0": ["query"]}'})  # fmt: skip
    assert bad_map.status_code == 422 and "map" in bad_map.json()["detail"]
    too_big = await api.post("/graphql/main", headers=TOKEN_HEADERS, files={"0": ("big.bin", b"x" * (settings.max_request_body_bytes + 1))},
                             data={"operations": msgspec.json.encode({"query": CREATE, "variables": {"ref": "C-6", "file": None}}).decode(),
                                   "map": '{"0": ["variables.file"]}'})  # fmt: skip
    assert too_big.status_code == 413

    assert await _stored_objects(settings) == stored
    listed = await api.post("/graphql/main", json={"query": "{ TestingFileContract { count } }"}, headers=TOKEN_HEADERS)
    assert listed.json()["data"]["TestingFileContract"]["count"] == 1
    tag = await api.post("/graphql/main", headers=TOKEN_HEADERS,
                         json={"query": 'mutation { BuiltinTagCreate(data: {name: {value: "t"}}) { object { id } } }'})  # fmt: skip
    not_a_file = await api.get(f"/api/storage/files/{tag.json()['data']['BuiltinTagCreate']['object']['id']}",
                               headers=TOKEN_HEADERS)  # fmt: skip
    assert not_a_file.status_code == 404
    assert (await api.get("/api/storage/files/by-hfid/BuiltinTag?hfid=t", headers=TOKEN_HEADERS)).status_code == 422


async def test_one_request_may_create_several_file_objects(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await _loaded(api)
    two = ("mutation ($f1: Upload!, $f2: Upload!) { "
           'a: TestingFileContractCreate(data: {contract_ref: {value: "A"}}, file: $f1) { object { storage_id { value } } } '
           'b: TestingFileContractCreate(data: {contract_ref: {value: "B"}}, file: $f2) { object { storage_id { value } } } }')  # fmt: skip
    form = {"operations": msgspec.json.encode({"query": two, "variables": {"f1": None, "f2": None}}).decode(),
            "map": '{"0": ["variables.f1", "variables.f2"]}'}  # one part, two variables (the spec allows it)
    response = await api.post("/graphql/main", data=form, files={"0": ("same.pdf", PDF)}, headers=TOKEN_HEADERS)
    body = response.json()
    assert "errors" not in body, body
    ids = {body["data"][alias]["object"]["storage_id"]["value"] for alias in ("a", "b")}
    assert len(ids) == 2  # each object keeps its own copy
