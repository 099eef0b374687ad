"""Security over real HTTP: no write without credentials, secrets stored hashed and never logged,
expired and forged JWTs refused, failed logins slowed down (in JetStream KV), CORS closed."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import msgspec
import pytest
from structlog.testing import capture_logs

from strata_api.resources import SDK_TEST_TOKEN
from strata_eventstore.login_failures import failure_keys
from tests.faults.conftest import TOKEN_HEADERS
from tests.faults.figures import Figures
from tests.faults.live_api import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(300)]

ADMIN_PASSWORD = "infrahub"
PERSON = 'mutation { TestingPersonCreate(data: {name: {value: "intruder"}}) { ok } }'
WRITES = [
    PERSON,
    'mutation { TestingPersonUpsert(data: {name: {value: "intruder"}}) { ok } }',
    'mutation { TestingPersonUpdate(data: {id: "%(id)s", name: {value: "intruder"}}) { ok } }',
    'mutation { TestingPersonDelete(data: {id: "%(id)s"}) { ok } }',
    'mutation { RelationshipAdd(data: {id: "%(id)s", name: "tags", nodes: [{id: "%(id)s"}]}) { ok } }',
    'mutation { RelationshipRemove(data: {id: "%(id)s", name: "tags", nodes: [{id: "%(id)s"}]}) { ok } }',
    'mutation { BranchCreate(data: {name: "intruder"}) { ok } }',
    'mutation { BranchMerge(data: {name: "main"}) { ok } }',
    'mutation { BranchDelete(data: {name: "main"}) { ok } }',
    'mutation { BranchRebase(data: {name: "main"}) { ok } }',
    'mutation { CoreAccountCreate(data: {name: {value: "intruder"}, password: {value: "x"}}) { ok } }',
    'mutation { InfrahubIPAddressPoolGetResource(data: {id: "%(id)s"}) { ok } }',
]


def _login(live_api: LiveApi, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{live_api.url}/api/auth/login", json={"username": username, "password": password}, timeout=60)


@pytest.fixture
def person(live_api: LiveApi) -> str:
    body = httpx.post(f"{live_api.url}/graphql", headers=TOKEN_HEADERS, timeout=60, json={
        "query": 'mutation { TestingPersonCreate(data: {name: {value: "%s"}}) { object { id } } }' % uuid.uuid4().hex}).json()  # fmt: skip
    uid: str = body["data"]["TestingPersonCreate"]["object"]["id"]
    return uid


def _refused_everywhere(live_api: LiveApi, person: str, headers: dict[str, str], figures: Figures) -> None:
    """Every write, by GraphQL and REST, is refused with an auth error; nothing is appended."""
    heads = live_api.stream_heads()
    with httpx.Client(timeout=60, headers=headers) as client:
        for document in WRITES:
            response = client.post(f"{live_api.url}/graphql", json={"query": document % {"id": person}})
            figures.inputs_tried += 1
            assert response.status_code in (200, 401), response.text
            text = response.text
            assert "auth.required" in text or "auth.invalid" in text, f"{document}: {text}"
        for path, body in (("/api/schema/load?branch=main", {"schemas": []}), ("/api/diff/conflicts/c?branch=main", {"keep": "main"})):
            response = client.post(live_api.url + path, json=body)
            figures.inputs_tried += 1
            assert response.status_code == 401, (path, response.text)
    assert live_api.stream_heads() == heads


def test_no_write_without_credentials(live_api: LiveApi, person: str, figures: Figures) -> None:
    _refused_everywhere(live_api, person, {}, figures)
    _refused_everywhere(live_api, person, {"X-INFRAHUB-KEY": "not-a-token"}, figures)


def test_expired_forged_and_misused_jwts_are_refused(live_api: LiveApi, person: str, figures: Figures) -> None:
    tokens = _login(live_api, "admin", ADMIN_PASSWORD).json()
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    secret = live_api.resources.auth._secret  # the server's key, to forge a token that only expired
    now = int(time.time())
    bad = {
        "expired": jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, secret, algorithm="HS256"),
        "signed with another key": jwt.encode(claims, "not-the-secret-" * 4, algorithm="HS256"),
        "unsigned (alg none)": jwt.encode(claims, None, algorithm="none"),
        "a refresh token": tokens["refresh_token"],
        "tampered subject": tokens["access_token"][:-6] + ("AAAAAA" if not tokens["access_token"].endswith("AAAAAA") else "BBBBBB"),
        "garbage": "abc.def.ghi",
    }
    for what, token in bad.items():
        response = httpx.post(f"{live_api.url}/graphql", json={"query": PERSON},
                              headers={"Authorization": f"Bearer {token}"}, timeout=60)  # fmt: skip
        figures.inputs_tried += 1
        assert response.status_code == 401, (what, response.text)
        assert "auth.invalid" in response.text
    _refused_everywhere(live_api, person, {"Authorization": f"Bearer {bad['expired']}"}, figures)
    good = httpx.post(f"{live_api.url}/graphql", json={"query": PERSON.replace("intruder", uuid.uuid4().hex)},
                      headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=60)  # fmt: skip
    assert good.json()["data"]["TestingPersonCreate"]["ok"] is True


def _everything_stored(live_api: LiveApi) -> str:
    """Every event payload of every branch and every projected record, as one text."""
    store = live_api.resources.store

    async def read() -> str:
        parts = []
        for branch in await store.branch_ids():
            parts += [msgspec.json.encode(e.event).decode() for e in await store.read_range(branch)]
        records, _, _ = await live_api.resources.driver.execute_query("MATCH (r:Rec) RETURN r.attrs AS a")
        parts += [str(r["a"]) for r in records]
        return "\n".join(parts)

    return live_api.call(read())


def test_passwords_and_tokens_are_stored_hashed(live_api: LiveApi) -> None:
    password = f"Pw-{uuid.uuid4().hex}"
    created = httpx.post(f"{live_api.url}/graphql", headers=TOKEN_HEADERS, timeout=60, json={
        "query": 'mutation { CoreAccountCreate(data: {name: {value: "carol"}, password: {value: "%s"}}) { ok } }' % password}).json()  # fmt: skip
    assert created["data"]["CoreAccountCreate"]["ok"] is True, created
    stored = _everything_stored(live_api)
    for secret in (ADMIN_PASSWORD, SDK_TEST_TOKEN, password):
        assert f'"{secret}"' not in stored, f"{secret!r} is stored in the clear"
    assert "$argon2" in stored
    assert _login(live_api, "carol", password).status_code == 200, "the hashed password still logs in"


def test_failed_logins_are_slowed_down_by_a_window_kept_in_jetstream_kv(live_api: LiveApi) -> None:
    name = f"victim-{uuid.uuid4().hex[:6]}"
    created = httpx.post(f"{live_api.url}/graphql", headers=TOKEN_HEADERS, timeout=60, json={
        "query": 'mutation { CoreAccountCreate(data: {name: {value: "%s"}, password: {value: "right"}}) { ok } }' % name}).json()  # fmt: skip
    assert created["data"]["CoreAccountCreate"]["ok"] is True, created
    free = live_api.settings.login_free_failures
    for _ in range(free):
        assert _login(live_api, name, "wrong").status_code == 401
    refused = _login(live_api, name, "right")
    assert refused.status_code == 429, "even the right password waits out the window"
    assert refused.headers["Retry-After"] == "1" and "Too many failed logins" in refused.text
    kv_keys = live_api.call(_kv_keys(live_api))
    assert failure_keys(name, "127.0.0.1")[0] in kv_keys, "the count lives in JetStream KV"
    time.sleep(1.2)
    assert _login(live_api, name, "wrong").status_code == 401  # allowed again, and the window doubles
    second = _login(live_api, name, "right")
    assert second.status_code == 429 and second.headers["Retry-After"] == "2"
    time.sleep(2.2)
    assert _login(live_api, name, "right").status_code == 200
    assert failure_keys(name, "127.0.0.1")[0] not in live_api.call(_kv_keys(live_api)), "a success clears it"
    time.sleep(4.2)  # the client address's own window (it failed too) runs out before other tests log in


async def _kv_keys(live_api: LiveApi) -> list[str]:
    kv = await live_api.resources.nc.jetstream().key_value(live_api.resources.names.kv_bucket("login_failures"))
    try:
        return list(await kv.keys())
    except Exception:  # nats.js.errors.NoKeysError: an empty bucket
        return []


def test_cors_is_closed_by_default(live_api: LiveApi) -> None:
    evil = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-infrahub-key"}  # fmt: skip
    for path in ("/graphql", "/api/auth/login", "/api/schema"):
        preflight = httpx.options(live_api.url + path, headers=evil, timeout=60)
        assert "access-control-allow-origin" not in preflight.headers, (path, dict(preflight.headers))
        simple = httpx.get(f"{live_api.url}/api/schema", headers={"Origin": "https://evil.example"}, timeout=60)
        assert "access-control-allow-origin" not in simple.headers
        assert "access-control-allow-credentials" not in simple.headers


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def stdlib_logs() -> Iterator[_Records]:
    handler = _Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_secrets_never_appear_in_logs(live_api: LiveApi, stdlib_logs: _Records) -> None:
    password = f"Pw-{uuid.uuid4().hex}"
    name = f"logged-{uuid.uuid4().hex[:6]}"
    with capture_logs() as entries:
        httpx.post(f"{live_api.url}/graphql", headers=TOKEN_HEADERS, timeout=60, json={
            "query": 'mutation { CoreAccountCreate(data: {name: {value: "%s"}, password: {value: "%s"}}) { ok } }' % (name, password)})  # fmt: skip
        tokens = _login(live_api, name, password).json()
        _login(live_api, name, password + "-wrong")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        httpx.post(f"{live_api.url}/graphql", headers=bearer, json={"query": "{ TestingPerson { count } }"}, timeout=60)
        httpx.post(f"{live_api.url}/graphql", headers=bearer, json={"query": "{ TestingPerson { nope } }"}, timeout=60)
        httpx.post(f"{live_api.url}/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}, timeout=60)
        httpx.post(f"{live_api.url}/graphql", headers={"Authorization": f"Bearer {tokens['access_token']}x"},
                   json={"query": PERSON}, timeout=60)  # fmt: skip
    logged = "\n".join(repr(e) for e in entries) + "\n".join(stdlib_logs.lines)
    secrets: dict[str, Any] = {
        "password": password, "wrong password": password + "-wrong", "API token": SDK_TEST_TOKEN,
        "access token": tokens["access_token"], "refresh token": tokens["refresh_token"],
        "jwt secret": live_api.resources.auth._secret,
    }  # fmt: skip
    for what, secret in secrets.items():
        assert secret not in logged, f"the {what} was logged"
