"""GraphQL subscriptions over WebSocket (graphql-transport-ws), through a real server: a change
made by another client is pushed to the subscriber once projected, filtered as asked."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from strata_api.resources import SDK_TEST_TOKEN
from strata_core.settings import Settings
from tests.e2e.live_stack import LiveStack, live_stack, wait_until

pytestmark = pytest.mark.integration

PROTOCOL = "graphql-transport-ws"
FIELDS = "id type branch kind node_id actor occurred_at changes"


@pytest.fixture
async def stack(settings: Settings, neo4j_driver: object) -> AsyncIterator[LiveStack]:
    async with live_stack(settings) as live:
        yield live


async def _send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


async def _receive(ws: ClientConnection, timeout_s: float = 60.0) -> dict[str, Any]:
    import asyncio

    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout_s))
    return message


async def _open(stack: LiveStack, path: str = "/graphql", payload: dict[str, Any] | None = None) -> ClientConnection:
    ws = await connect(stack.ws_url + path, subprotocols=[PROTOCOL])  # type: ignore[list-item]  # Subprotocol is a str NewType
    await _send(ws, {"type": "connection_init", "payload": payload if payload is not None else {}})
    assert await _receive(ws) == {"type": "connection_ack"}
    return ws


async def _subscribe(stack: LiveStack, ws: ClientConnection, op_id: str, args: str) -> None:
    """Subscribe and wait until the server follows the feed for it."""
    before = await stack.feed_consumers()
    query = f"subscription {{ changes{args} {{ {FIELDS} }} }}"
    await _send(ws, {"id": op_id, "type": "subscribe", "payload": {"query": query}})

    async def following() -> bool:
        return await stack.feed_consumers() > before

    await wait_until(following)


async def _create_tag(stack: LiveStack, name: str, branch: str = "main") -> str:
    body = await stack.gql('mutation { BuiltinTagCreate(data: {name: {value: "%s"}}) { object { id } } }' % name, branch)
    tag_id: str = body["data"]["BuiltinTagCreate"]["object"]["id"]
    return tag_id


async def test_a_subscriber_to_a_kind_receives_another_clients_create(stack: LiveStack) -> None:
    ws = await _open(stack, payload={"X-INFRAHUB-KEY": SDK_TEST_TOKEN})
    await _subscribe(stack, ws, "s1", '(kinds: ["BuiltinTag"], types: ["node.created"])')
    await stack.gql('mutation { CoreStandardGroupCreate(data: {name: {value: "g"}}) { ok } }')  # another kind
    tag_id = await _create_tag(stack, "red")
    message = await _receive(ws)
    assert message["id"] == "s1" and message["type"] == "next"
    change = message["payload"]["data"]["changes"]
    assert set(change) == set(FIELDS.split())  # exactly the fields asked
    assert (change["type"], change["kind"], change["node_id"], change["branch"]) == (
        "node.created", "BuiltinTag", tag_id, "main")  # fmt: skip
    assert change["actor"] and change["changes"]["attributes"]["name"] == "red"
    await _send(ws, {"id": "s1", "type": "complete"})
    await _send(ws, {"type": "ping"})
    assert await _receive(ws) == {"type": "pong"}
    await ws.close()

    async def consumer_gone() -> bool:
        return await stack.feed_consumers() == 0

    await wait_until(consumer_gone, timeout_s=30)  # the server drops it 5 s after the unsubscribe


async def test_filter_by_node_id_and_by_branch(stack: LiveStack) -> None:
    first, second = await _create_tag(stack, "one"), await _create_tag(stack, "two")
    await stack.gql('mutation { BranchCreate(data: {name: "feat"}) { ok } }')
    ws = await _open(stack)  # anonymous: reads are open by default
    await _subscribe(stack, ws, "by-node", f'(node_ids: ["{first}"])')
    await _subscribe(stack, ws, "by-branch", '(branch: "feat", kinds: ["BuiltinTag"])')
    await stack.gql('mutation { BuiltinTagUpdate(data: {id: "%s", description: {value: "x"}}) { ok } }' % second)
    await stack.gql('mutation { BuiltinTagUpdate(data: {id: "%s", description: {value: "y"}}) { ok } }' % first)
    on_branch = await _create_tag(stack, "green", branch="feat")
    got: dict[str, dict[str, Any]] = {}
    while len(got) < 2:
        message = await _receive(ws)
        assert message["type"] == "next", message
        assert message["id"] not in got, f"one change each was expected: {message}"
        got[message["id"]] = message["payload"]["data"]["changes"]
    assert (got["by-node"]["node_id"], got["by-node"]["type"]) == (first, "node.updated")
    assert got["by-node"]["changes"] == {"attributes": {"description": "y"}}
    assert (got["by-branch"]["node_id"], got["by-branch"]["branch"]) == (on_branch, "feat")
    await ws.close()


async def test_the_branch_endpoint_follows_its_branch(stack: LiveStack) -> None:
    await stack.gql('mutation { BranchCreate(data: {name: "side"}) { ok } }')
    ws = await _open(stack, "/graphql/side")
    await _subscribe(stack, ws, "s", '(kinds: ["BuiltinTag"])')
    await _create_tag(stack, "main-only")
    tag_id = await _create_tag(stack, "on-side", branch="side")
    message = await _receive(ws)
    assert message["payload"]["data"]["changes"]["node_id"] == tag_id
    await ws.close()


async def test_bad_filters_give_an_error_naming_the_argument(stack: LiveStack) -> None:
    ws = await _open(stack)
    cases = {
        "k": ('(kinds: ["NoSuchKind"])', "kinds", "NoSuchKind"),
        "t": ('(types: ["node.exploded"])', "types", "node.exploded"),
        "b": ('(branch: "nowhere")', "branch", "nowhere"),
    }
    for op_id, (args, argument, value) in cases.items():
        query = f"subscription {{ changes{args} {{ id }} }}"
        await _send(ws, {"id": op_id, "type": "subscribe", "payload": {"query": query}})
        message = await _receive(ws)
        assert (message["id"], message["type"]) == (op_id, "error"), message
        [error] = message["payload"]
        assert argument in error["message"] and value in error["message"], error
        assert error["extensions"]["argument"] == argument
    await _send(ws, {"id": "q", "type": "subscribe", "payload": {"query": "query { InfrahubInfo { version } }"}})
    message = await _receive(ws)
    assert message["type"] == "error" and "subscription" in message["payload"][0]["message"]
    await ws.close()


async def test_protocol_violations_close_with_the_protocol_codes(stack: LiveStack) -> None:
    async with connect(stack.ws_url + "/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]  # str NewType
        await _send(ws, {"id": "early", "type": "subscribe", "payload": {"query": "subscription { changes { id } }"}})
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    ws = await _open(stack)
    await _subscribe(stack, ws, "dup", "")
    await _send(ws, {"id": "dup", "type": "subscribe", "payload": {"query": "subscription { changes { id } }"}})
    with pytest.raises(ConnectionClosed) as closed:
        await _receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4409
    ws = await _open(stack)
    await _send(ws, {"type": "connection_init"})
    with pytest.raises(ConnectionClosed) as closed:
        await _receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
    async with connect(stack.ws_url + "/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]  # str NewType
        await ws.send("not json")
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
    async with connect(stack.ws_url + "/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]  # str NewType
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(ws, timeout_s=20)  # no connection_init: closed after 10 s
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408
    async with connect(stack.ws_url + "/graphql", subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]  # str NewType
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406


async def test_unauthenticated_refused_when_anonymous_reads_are_off(settings: Settings, neo4j_driver: object) -> None:
    async with live_stack(settings, anonymous_read=False) as stack:
        async with connect(stack.ws_url + "/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]  # str NewType
            await _send(ws, {"type": "connection_init", "payload": {}})
            with pytest.raises(ConnectionClosed) as closed:
                await _receive(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        async with connect(stack.ws_url + "/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]  # str NewType
            await _send(ws, {"type": "connection_init", "payload": {"X-INFRAHUB-KEY": "not-a-token"}})
            with pytest.raises(ConnectionClosed) as closed:
                await _receive(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        ws = await _open(stack, payload={"X-INFRAHUB-KEY": SDK_TEST_TOKEN})
        await ws.close()
