"""The object store as infrahub-sdk's `client.object_store` uses it: upload text, read it back by
its identifier, in JetStream (so another API process reads it too); bad requests change nothing."""

from __future__ import annotations

import hashlib

import msgspec
import nats
import nats.js.errors
import pytest
from litestar.testing import AsyncTestClient

from strata_api.app import create_app
from strata_api.resources import Resources
from strata_core.settings import Settings
from strata_eventstore import StreamNames
from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration

CONTENT = "\n    any content\n    another content\n    é\n"


async def _stored_objects(settings: Settings) -> int:
    nc = await nats.connect(settings.nats_url)
    try:
        store = await nc.jetstream().object_store(StreamNames(prefix=settings.stream_prefix).kv_bucket("OBJECTS"))
        return len(await store.list(ignore_deletes=True))  # a deleted object is not stored
    except (nats.js.errors.BucketNotFoundError, nats.js.errors.NotFoundError):
        return 0
    finally:
        await nc.close()


async def test_uploaded_content_is_read_back_by_its_identifier_from_any_api_process(
    api: AsyncTestClient, settings: Settings  # type: ignore[type-arg]
) -> None:
    uploaded = await api.post("/api/storage/upload/content", json={"content": CONTENT}, headers=TOKEN_HEADERS)
    assert uploaded.status_code == 200, uploaded.text
    body = uploaded.json()
    assert sorted(body) == ["checksum", "identifier"]
    assert body["checksum"] == hashlib.md5(CONTENT.encode()).hexdigest()

    read = await api.get(f"/api/storage/object/{body['identifier']}", headers=TOKEN_HEADERS)
    assert read.status_code == 200 and read.text == CONTENT

    other = Resources(msgspec.structs.replace(settings, seed_test_accounts=True))
    async with AsyncTestClient(app=create_app(other), timeout=60) as second:
        again = await second.get(f"/api/storage/object/{body['identifier']}", headers=TOKEN_HEADERS)
    assert again.status_code == 200 and again.text == CONTENT


async def test_bad_uploads_and_unknown_identifiers_are_refused_and_store_nothing(
    api: AsyncTestClient, settings: Settings  # type: ignore[type-arg]
) -> None:
    anonymous = await api.post("/api/storage/upload/content", json={"content": CONTENT})
    assert anonymous.status_code == 401
    not_text = await api.post("/api/storage/upload/content", json={"content": 42}, headers=TOKEN_HEADERS)
    assert not_text.status_code == 422
    assert "content" in not_text.json()["errors"][0]["message"]
    assert await _stored_objects(settings) == 0

    missing = await api.get("/api/storage/object/no-such-thing", headers=TOKEN_HEADERS)
    assert missing.status_code == 404
    assert "no-such-thing" in missing.json()["errors"][0]["message"]
