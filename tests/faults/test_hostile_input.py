"""Hostile input over HTTP: malformed bodies, oversized and deep documents, values that try to
break out of Cypher, unknown kinds and fields. No 5xx, a clear error, nothing appended."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest

from tests.faults.conftest import TOKEN_HEADERS
from tests.faults.figures import Figures
from tests.faults.hostile import BREAKOUTS, check_answer
from tests.faults.live_api import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(300)]

POST_ROUTES = [
    "/graphql", "/graphql/main", "/api/schema/load?branch=main", "/api/schema/check?branch=main",
    "/api/auth/login", "/api/diff/conflicts/c1?branch=main",
]  # fmt: skip
JSON = {"content-type": "application/json"}


def _client() -> httpx.Client:
    return httpx.Client(timeout=120, headers=TOKEN_HEADERS)


@pytest.mark.parametrize("route", POST_ROUTES)
def test_malformed_bodies_are_refused_with_a_reason_and_append_nothing(
    live_api: LiveApi, figures: Figures, route: str
) -> None:
    bodies = {
        "invalid UTF-8 in a string": b'{"query": "{ TestingPerson { count } }\xff\xfe"}',
        "invalid UTF-8 outside JSON": b"\xff\xfe\x00\x01",
        "not JSON": b"{query: nope",
        "empty": b"",
        "a JSON array": b"[1, 2, 3]",
        "a JSON string": b'"mutation { x }"',
        "deeply nested JSON": b"[" * 50_000 + b"]" * 50_000,
        "a lone surrogate escape": b'{"query": "\\ud800", "username": "\\udfff", "password": "x"}',
        "an operationName that is a list": b'{"query": "", "": null, "operationName": []}',
        "variables that are a list": b'{"query": "{ TestingPerson { count } }", "variables": [1]}',
        "variables that are an empty list": b'{"query": "{ TestingPerson { count } }", "variables": []}',
    }
    heads = live_api.stream_heads()
    with _client() as client:
        for what, body in bodies.items():
            response = client.post(live_api.url + route, content=body, headers=JSON)
            check_answer(response, figures, f"{route} {what}")
            assert 400 <= response.status_code < 500, f"{route} {what}: {response.status_code}"
    assert live_api.stream_heads() == heads


def test_a_body_over_the_size_limit_is_refused_with_413(live_api: LiveApi, figures: Figures) -> None:
    heads = live_api.stream_heads()
    big = b'{"query": "' + b"a" * (live_api.settings.max_request_body_bytes + 1) + b'"}'
    with _client() as client:
        for route in POST_ROUTES:
            response = client.post(live_api.url + route, content=big, headers=JSON)
            check_answer(response, figures, f"{route} oversized body")
            assert response.status_code == 413
    assert live_api.stream_heads() == heads


def _graphql(client: httpx.Client, live_api: LiveApi, query: str, **extra: object) -> dict[str, object]:
    response = client.post(f"{live_api.url}/graphql", json={"query": query, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _codes(body: dict[str, object]) -> list[str]:
    errors = body.get("errors") or []
    assert isinstance(errors, list)
    return [str(e.get("extensions", {}).get("code")) for e in errors]


def test_deep_and_huge_graphql_documents_are_refused_before_they_run(live_api: LiveApi, figures: Figures) -> None:
    hop = "animals { edges { node { owner { node { "
    nested = "query { TestingPerson { edges { node { " + hop * 6 + "id" + " } } } } }" * 6 + " } } } }"
    fanout = ["fragment F0 on TestingPerson { id name { value } }"]
    for i in range(1, 6):
        fanout.append(f"fragment F{i} on TestingPerson {{ " + " ".join(f"a{j}: hfid ...F{i - 1}" for j in range(10)) + " }")
    bomb = "query { TestingPerson { edges { node { ...F5 } } } } " + " ".join(fanout)
    heads = live_api.stream_heads()
    with _client() as client:
        deep = _graphql(client, live_api, nested)
        figures.inputs_tried += 1
        assert deep["data"] is None and _codes(deep) == ["query.too_deep"], deep
        huge = _graphql(client, live_api, bomb)
        figures.inputs_tried += 1
        assert huge["data"] is None and _codes(huge) == ["query.too_complex"], huge
        unparsable = _graphql(client, live_api, "{a" * 100_000)
        figures.inputs_tried += 1
        assert unparsable["data"] is None and "nested too deeply" in json.dumps(unparsable)
        create = 'mutation { TestingPersonCreate(data: {name: {value: "deep"}}) { object { '
        mutation_in_depth = _graphql(client, live_api, create + hop * 4 + "id" + " } } } } }" * 4 + " } } }")
        figures.inputs_tried += 1
        assert _codes(mutation_in_depth) == ["query.too_deep"], mutation_in_depth
    assert live_api.stream_heads() == heads, "a refused document appended nothing"


def test_unknown_kinds_fields_and_arguments_get_clear_errors_and_append_nothing(
    live_api: LiveApi, figures: Figures
) -> None:
    documents = {
        'mutation { NopeCreate(data: {name: {value: "x"}}) { ok } }': "Cannot query field 'NopeCreate'",
        'mutation { TestingPersonCreate(data: {name: {value: "x"}, nope: {value: 1}}) { ok } }': "unknown field 'nope'",
        'mutation { TestingPersonCreate(data: {name: {value: 5}}) { ok } }': "String",
        'mutation { TestingPersonCreate(data: {height: {value: 5}}) { ok } }': "name",
        "query { TestingPerson(nope__value: 1) { count } }": "Unknown argument 'nope__value'",
        "query { NopeKind { count } }": "Cannot query field 'NopeKind'",
        'mutation { TestingPersonUpdate(data: {id: "no-such-id", name: {value: "y"}}) { ok } }': "no-such-id",
        'mutation { TestingPersonDelete(data: {id: "no-such-id"}) { ok } }': "no-such-id",
        'mutation { TestingPersonCreate(data: {id: "a.b", name: {value: "dot"}}) { ok } }': "id must be",
        'mutation { TestingPersonCreate(data: {name: {value: "big"}, height: {value: 1180591620717411303424}}) { ok } }': "64-bit",
        "query { TestingPerson(height__value: -1180591620717411303424) { count } }": "64-bit",
        'mutation { TestingPersonCreate(data: {id: "a b", name: {value: "space"}}) { ok } }': "id must be",
        'mutation { TestingPersonCreate(data: {id: "*", name: {value: "star"}}) { ok } }': "id must be",
        'mutation { TestingPersonCreate(data: {id: ">", name: {value: "gt"}}) { ok } }': "id must be",
    }
    heads = live_api.stream_heads()
    with _client() as client:
        for document, expected in documents.items():
            body = _graphql(client, live_api, document)
            figures.inputs_tried += 1
            messages = json.dumps(body.get("errors"))
            assert expected in messages, f"{document}: {messages}"
            assert "internal error" not in messages
        for variables in ({"x": {"$ne": 1}}, {"x": ["a"]}):
            body = _graphql(client, live_api, "query($x: String) { TestingPerson(name__value: $x) { count } }",
                            variables=variables)  # fmt: skip
            figures.inputs_tried += 1
            assert body.get("errors") and "internal error" not in json.dumps(body["errors"]), (variables, body)
        for not_an_object in ("not-an-object", [1]):
            response = client.post(f"{live_api.url}/graphql", json={"query": "{ TestingPerson { count } }", "variables": not_an_object})
            check_answer(response, figures, f"variables {not_an_object!r}")
            assert response.status_code == 422 and "variables: expected an object" in response.text
        for path in ("/api/schema/NopeKind", "/api/schema?branch=no-such-branch", "/graphql/no-such-branch"):
            response = client.post(live_api.url + path, json={"query": "{ TestingPerson { count } }"}) if path.startswith(
                "/graphql") else client.get(live_api.url + path)  # fmt: skip
            check_answer(response, figures, path)
            assert 400 <= response.status_code < 500, (path, response.text)
    assert live_api.stream_heads() == heads


def test_values_that_try_to_break_out_of_cypher_are_stored_verbatim(live_api: LiveApi, figures: Figures) -> None:
    """Each value is written, read back equal, matched by a filter, and harms nothing else."""
    with _client() as client:
        before = _graphql(client, live_api, "query { TestingPerson { count } }")
        start = before["data"]["TestingPerson"]["count"]  # type: ignore[index]
        for i, value in enumerate(BREAKOUTS):
            name = f"{i}:{value}"
            created = client.post(f"{live_api.url}/graphql", json={
                "query": "mutation($n: String!) { TestingPersonCreate(data: {name: {value: $n}}) { ok object { id name { value } } } }",
                "variables": {"n": name}})  # fmt: skip
            check_answer(created, figures, f"create {value!r}")
            body = created.json()
            if value == "\u0000":  # NUL has no place in a name: refused with a reason, or kept as is
                assert body.get("errors") is None or "internal error" not in json.dumps(body), body
                continue
            assert body["data"]["TestingPersonCreate"]["object"]["name"]["value"] == name, body
            found = client.post(f"{live_api.url}/graphql", json={
                "query": "query($n: String) { TestingPerson(name__value: $n) { count edges { node { name { value } } } } }",
                "variables": {"n": name}}).json()  # fmt: skip
            figures.mutations_checked += 1
            assert found["data"]["TestingPerson"]["count"] == 1, (value, found)
            assert found["data"]["TestingPerson"]["edges"][0]["node"]["name"]["value"] == name
            quoted = quote(value, safe="")
            for path in (f"/api/schema/{quoted}", f"/api/history/{quoted}", f"/graphql/{quoted}"):
                response = (client.post(live_api.url + path, json={"query": "{ TestingPerson { count } }"})
                            if path.startswith("/graphql") else client.get(live_api.url + path))  # fmt: skip
                check_answer(response, figures, f"{path!r}")
        after = _graphql(client, live_api, "query { TestingPerson { count } }")
        stored = after["data"]["TestingPerson"]["count"] - start  # type: ignore[index]
        assert stored in (len(BREAKOUTS), len(BREAKOUTS) - 1), "every value made one object and deleted none"
