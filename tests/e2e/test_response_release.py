"""A GraphQL response is sent before its request's rows and result are freed: freeing the
objects of a large list is work the client need not wait for."""

from __future__ import annotations

import asyncio
import json
import weakref
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from strata_api import branch_reading
from strata_graphql.runtime.reader import GraphReader
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration


class _TrackedReader(GraphReader):
    """A reader that lets the test see whether it is still alive."""

    made: list[weakref.ref[GraphReader]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _TrackedReader.made.append(weakref.ref(self))


async def test_the_request_state_is_freed_after_the_response_is_sent(
    animals: AsyncTestClient, monkeypatch: pytest.MonkeyPatch  # type: ignore[type-arg]  # noqa: F811
) -> None:
    await _gql(animals, 'mutation { TestingPersonCreate(data: {name: {value: "Kept"}}) { ok } }')
    monkeypatch.setattr(branch_reading, "GraphReader", _TrackedReader)
    _TrackedReader.made.clear()
    body = json.dumps({"query": "query { TestingPerson { count edges { node { id name { value } } } } }"}).encode()
    headers = [(b"content-type", b"application/json"), *((k.lower().encode(), v.encode()) for k, v in TOKEN_HEADERS.items())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/graphql/main", "raw_path": b"/graphql/main", "query_string": b"", "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}  # fmt: skip
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    alive_when_sent: list[bool] = []
    sent: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body"):
            sent.append(message.get("body", b""))
            alive_when_sent.append(all(ref() is not None for ref in _TrackedReader.made))

    # in the client's portal: the app's resources belong to that event loop
    await asyncio.to_thread(animals.blocking_portal.call, animals.app, scope, receive, send)

    assert json.loads(b"".join(sent))["data"]["TestingPerson"]["count"] == 1
    assert len(_TrackedReader.made) == 1, "the request made one reader"
    assert alive_when_sent == [True], "the request's rows were freed before the response was sent"
    assert _TrackedReader.made[0]() is None, "the request's rows outlived it"
