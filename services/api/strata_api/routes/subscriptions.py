"""GraphQL subscriptions over WebSocket on /graphql and /graphql/<branch>: the
graphql-transport-ws protocol (https://github.com/enisdenjo/graphql-ws, PROTOCOL.md).

Infrahub serves the older Apollo `graphql-ws` subprotocol on the same paths and re-runs a query
on a timer; here only `graphql-transport-ws` is spoken and each change is pushed as the change
feed publishes it. Only subscription operations are served; queries and mutations go by POST.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Final
from urllib.parse import unquote

import msgspec
import structlog
from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode, OperationType, parse, validate
from graphql.error import GraphQLSyntaxError
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from strata_api.resources import Resources
from strata_core.errors import StrataError
from strata_feed.contract import FeedNames
from strata_feed.follow import FeedFollower
from strata_graphql.subscriptions import SubscriptionContext, subscribe_document
from strata_service.auth import Actor

__all__ = ["CloseCode", "PROTOCOL", "subscription_routes"]

_log = structlog.get_logger("strata.api")
PROTOCOL: Final = "graphql-transport-ws"
CONNECTION_INIT_TIMEOUT_S: Final = 10.0


class CloseCode:
    """The protocol's close codes and reasons (one table)."""

    BAD_REQUEST: Final = (4400, "Invalid message received")
    UNAUTHORIZED: Final = (4401, "Unauthorized")
    FORBIDDEN: Final = (4403, "Forbidden")
    SUBPROTOCOL: Final = (4406, "Subprotocol not acceptable")
    INIT_TIMEOUT: Final = (4408, "Connection initialisation timeout")
    DUPLICATE: Final = (4409, "Subscriber for {id} already exists")
    TOO_MANY_INITS: Final = (4429, "Too many initialisation requests")


class _Closed(Exception):
    """The session ends with a protocol close code."""

    def __init__(self, code: tuple[int, str], reason: str | None = None) -> None:
        super().__init__(reason or code[1])
        self.code, self.reason = code[0], reason or code[1]


class _Session:
    def __init__(self, socket: WebSocket[Any, Any, Any], resources: Resources, branch: str | None) -> None:
        self._socket = socket
        self._resources = resources
        self._branch = branch
        self._acked = False
        self._init_seen = False
        self._actor: Actor | None = None
        self._running: dict[str, asyncio.Task[None]] = {}
        self._send_lock = asyncio.Lock()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CONNECTION_INIT_TIMEOUT_S
        try:
            while True:
                timeout = None if self._acked else max(0.0, deadline - loop.time())
                try:
                    text = await asyncio.wait_for(self._socket.receive_text(), timeout=timeout)
                except TimeoutError:
                    raise _Closed(CloseCode.INIT_TIMEOUT) from None
                await self._handle(_message(text))
        except _Closed as closed:
            # the close goes out first: stopping the running operations waits for their
            # cleanup (their feed consumers removed), and the client should not wait for that
            with contextlib.suppress(Exception):
                await self._socket.close(code=closed.code, reason=closed.reason)
            await self._stop_all()
        except WebSocketDisconnect:
            await self._stop_all()

    async def _handle(self, message: dict[str, Any]) -> None:
        match message["type"]:
            case "connection_init":
                if self._init_seen:
                    raise _Closed(CloseCode.TOO_MANY_INITS)
                self._init_seen = True
                await self._authenticate(message.get("payload"))
                self._acked = True
                await self._send({"type": "connection_ack"})
            case "ping":
                await self._send({"type": "pong"})
            case "pong":
                pass
            case "subscribe":
                if not self._acked:
                    raise _Closed(CloseCode.UNAUTHORIZED)
                op_id, payload = message.get("id"), message.get("payload")
                if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict) \
                        or not isinstance(payload.get("query"), str):  # fmt: skip
                    raise _Closed(CloseCode.BAD_REQUEST, "subscribe: expected an id and a payload with a query")
                if op_id in self._running:
                    raise _Closed(CloseCode.DUPLICATE, CloseCode.DUPLICATE[1].format(id=op_id))
                self._running[op_id] = asyncio.create_task(self._subscription(op_id, payload))
            case "complete":
                task = self._running.pop(str(message.get("id")), None)
                if task is not None:
                    task.cancel()
            case other:
                raise _Closed(CloseCode.BAD_REQUEST, f"Invalid message type {other!r}")

    async def _authenticate(self, payload: Any) -> None:
        """Token from the connection_init payload (`X-INFRAHUB-KEY` or `Authorization: Bearer`),
        else from the upgrade request's headers; anonymous only when anonymous reads are on."""
        fields = {str(k).lower(): v for k, v in payload.items()} if isinstance(payload, dict) else {}
        headers = self._socket.headers
        token = fields.get("x-infrahub-key") or headers.get("x-infrahub-key")
        bearer = str(fields.get("authorization") or headers.get("authorization") or "")
        auth = self._resources.auth
        try:
            if token:
                self._actor = await auth.actor_from_api_token(str(token))
            elif bearer.lower().startswith("bearer "):
                self._actor = auth.actor_from_jwt(bearer[7:].strip())
        except StrataError as exc:
            raise _Closed(CloseCode.FORBIDDEN, f"Forbidden: {exc.message}") from exc
        if self._actor is None and not self._resources.settings.anonymous_read:
            raise _Closed(CloseCode.FORBIDDEN, "Forbidden: authentication is required")

    async def _subscription(self, op_id: str, payload: dict[str, Any]) -> None:
        iterator = None
        try:
            outcome = await self._start(payload)
            if isinstance(outcome, list):
                await self._send({"id": op_id, "type": "error", "payload": outcome})
                return
            iterator = outcome
            async for result in iterator:
                await self._send({"id": op_id, "type": "next", "payload": result.formatted})
            await self._send({"id": op_id, "type": "complete"})
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went away
        except Exception as exc:  # noqa: BLE001 - one operation's top level: log, tell the client
            _log.error("subscription_failed", operation_id=op_id, error=repr(exc))
            with contextlib.suppress(Exception):
                await self._send({"id": op_id, "type": "error", "payload": [{"message": "internal error"}]})
        finally:
            closing = getattr(iterator, "aclose", None)
            if closing is not None:
                with contextlib.suppress(Exception):
                    await closing()
            self._running.pop(op_id, None)

    async def _start(self, payload: dict[str, Any]) -> Any:
        """The results' iterator, or the errors (formatted) that refuse the subscription."""
        try:
            document = parse(payload["query"])
        except GraphQLSyntaxError as exc:
            return [exc.formatted]
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if any(op.operation != OperationType.SUBSCRIPTION for op in operations):
            return [{"message": "only subscription operations are served over WebSocket; "
                                "send queries and mutations by POST"}]  # fmt: skip
        resources = self._resources
        try:
            ref = await resources.branches.resolve(self._branch or "main")
        except StrataError as exc:
            return [{"message": exc.message, "extensions": {"code": exc.code}}]
        schema = await resources.schemas.current(ref)
        graphql_schema = resources.graphql_cache.get(schema)
        errors = validate(graphql_schema, document)
        if errors:
            return [e.formatted for e in errors]

        async def branch_id(name: str) -> str:
            return (await resources.branches.resolve(name)).id

        ctx = SubscriptionContext(
            schema=schema,
            source=FeedFollower(resources.nc, FeedNames(prefix=resources.settings.stream_prefix)),
            names=FeedNames(prefix=resources.settings.stream_prefix),
            resolve_branch=branch_id,
            default_branch_id=ref.id if self._branch is not None else None,
        )
        variables = payload.get("variables") if isinstance(payload.get("variables"), dict) else None
        operation = payload.get("operationName") if isinstance(payload.get("operationName"), str) else None
        outcome = await subscribe_document(graphql_schema, document, ctx, variables, operation)
        if isinstance(outcome, ExecutionResult):
            return [_error_entry(e) for e in outcome.errors or []]
        return outcome

    async def _send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            await self._socket.send_text(msgspec.json.encode(message).decode())

    async def _stop_all(self) -> None:
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _message(text: str) -> dict[str, Any]:
    try:
        message = msgspec.json.decode(text)
    except msgspec.DecodeError:
        raise _Closed(CloseCode.BAD_REQUEST, "Invalid message received: not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise _Closed(CloseCode.BAD_REQUEST, "Invalid message received: expected an object with a type")
    return message


def _error_entry(error: GraphQLError) -> dict[str, Any]:
    entry: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, StrataError):
        entry["message"] = original.message
        entry["extensions"] = {"code": original.code, **{k: v for k, v in original.details.items()
                                                          if isinstance(v, str | int)}}  # fmt: skip
    elif original is not None:
        _log.error("subscription_failed", error=repr(original))
        entry["message"] = "internal error"
    return entry


async def _serve(socket: WebSocket[Any, Any, Any], branch: str | None) -> None:
    if PROTOCOL not in (socket.scope.get("subprotocols") or []):
        await socket.accept()
        await socket.close(code=CloseCode.SUBPROTOCOL[0], reason=CloseCode.SUBPROTOCOL[1])
        return
    await socket.accept(subprotocols=PROTOCOL)
    await _Session(socket, socket.app.state["resources"], branch).run()


@websocket("/graphql")
async def subscriptions_main(socket: WebSocket[Any, Any, Any]) -> None:
    await _serve(socket, None)


@websocket("/graphql/{branch:path}")
async def subscriptions_branch(socket: WebSocket[Any, Any, Any], branch: FromPath[str]) -> None:
    await _serve(socket, unquote(branch.lstrip("/")))


subscription_routes = [subscriptions_main, subscriptions_branch]
