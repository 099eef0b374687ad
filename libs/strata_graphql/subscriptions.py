"""`subscription { changes(...) }`: the filter, its validation, and execution with graphql-core.

The transport (graphql-transport-ws over WebSocket) is the API's business; this module turns a
subscription document into an async iterator of execution results, fed by a change source
(the public change feed, followed live).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, Protocol

import msgspec
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLResolveInfo,
    GraphQLSchema,
    default_field_resolver,
    subscribe,
)

from strata_core.errors import StrataError
from strata_feed.contract import FEED_EVENT_TYPES, FeedEvent, FeedNames
from strata_schema import BranchSchema

__all__ = [
    "ChangeFilter",
    "ChangeSource",
    "InvalidSubscription",
    "SubscriptionContext",
    "subscribe_document",
]


class InvalidSubscription(StrataError):
    """A subscription argument is not acceptable; `argument` names it."""

    code = "subscription.invalid_argument"


class ChangeFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which feed events a subscriber wants; `None` means any."""

    branch_id: str | None = None
    kinds: frozenset[str] | None = None
    node_ids: frozenset[str] | None = None
    types: frozenset[str] | None = None

    def matches(self, event: FeedEvent) -> bool:
        return (
            (self.branch_id is None or event.branch_id == self.branch_id)
            and (self.kinds is None or event.kind in self.kinds)
            and (self.node_ids is None or event.node_id in self.node_ids)
            and (self.types is None or event.type in self.types)
        )

    def subject(self, names: FeedNames) -> str:
        """The narrowest single subject filter; `matches` does the rest."""
        only_type = next(iter(self.types)) if self.types is not None and len(self.types) == 1 else None
        only_kind = next(iter(self.kinds)) if self.kinds is not None and len(self.kinds) == 1 else None
        return names.filter_subject(branch_id=self.branch_id, event_type=only_type, kind=only_kind)


class ChangeSource(Protocol):
    async def follow(self, subject: str) -> AsyncGenerator[FeedEvent, None]: ...


class SubscriptionContext(msgspec.Struct, kw_only=True):
    """What a subscription resolver needs. `resolve_branch` maps a branch name to its id and
    raises StrataError when there is none; `default_branch_id` is the endpoint's branch, if any."""

    schema: BranchSchema
    source: ChangeSource
    names: FeedNames
    resolve_branch: Callable[[str], Awaitable[str]]
    default_branch_id: str | None = None


async def build_filter(ctx: SubscriptionContext, args: dict[str, Any]) -> ChangeFilter:
    branch_id = ctx.default_branch_id
    if args.get("branch") is not None:
        try:
            branch_id = await ctx.resolve_branch(str(args["branch"]))
        except StrataError as exc:
            raise InvalidSubscription(f"branch: {exc.message}", argument="branch") from exc
    types = _set_of(args.get("types"))
    unknown_types = sorted(types - set(FEED_EVENT_TYPES)) if types is not None else []
    if unknown_types:
        raise InvalidSubscription(
            f"types: unknown event type(s) {unknown_types}; expected some of {list(FEED_EVENT_TYPES)}",
            argument="types",
        )
    kinds = _set_of(args.get("kinds"))
    if kinds is not None:
        unknown_kinds = sorted(k for k in kinds if ctx.schema.get(k) is None)
        if unknown_kinds:
            raise InvalidSubscription(f"kinds: unknown kind(s) {unknown_kinds} in the schema", argument="kinds")
        kinds = frozenset(k for kind in kinds for k in (kind, *_used_by(ctx.schema, kind)))
    return ChangeFilter(branch_id=branch_id, kinds=kinds, node_ids=_set_of(args.get("node_ids")), types=types)


def _set_of(values: Iterable[Any] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(str(v) for v in values)


def _used_by(schema: BranchSchema, kind: str) -> tuple[str, ...]:
    return tuple(getattr(schema.get(kind), "used_by", None) or ())


async def _subscribe_changes(root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> AsyncIterator[FeedEvent]:
    ctx: SubscriptionContext = info.context
    wanted = await build_filter(ctx, args)
    events = await ctx.source.follow(wanted.subject(ctx.names))
    return _matching(events, wanted)


async def _matching(events: AsyncGenerator[FeedEvent, None], wanted: ChangeFilter) -> AsyncGenerator[FeedEvent, None]:
    try:
        async for event in events:
            if wanted.matches(event):
                yield event
    finally:
        await events.aclose()


def _resolve(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    if isinstance(source, FeedEvent):
        if info.parent_type.name == "Subscription":
            return source  # the root field's value is the event itself
        return getattr(source, info.field_name)
    return default_field_resolver(source, info, **args)


async def subscribe_document(
    graphql_schema: GraphQLSchema,
    document: DocumentNode,
    ctx: SubscriptionContext,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> AsyncIterator[ExecutionResult] | ExecutionResult:
    """An iterator of results (one per change), or a result with the errors that refused it."""
    outcome = subscribe(
        graphql_schema,
        document,
        context_value=ctx,
        variable_values=variables,
        operation_name=operation_name,
        field_resolver=_resolve,
        subscribe_field_resolver=_subscribe_field,
    )
    if isinstance(outcome, ExecutionResult):
        return outcome
    if isinstance(outcome, Awaitable):
        return await outcome
    return outcome


def _subscribe_field(root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    if info.field_name == "changes":
        return _subscribe_changes(root, info, **args)
    raise InvalidSubscription(f"no subscription field {info.field_name!r}", argument=info.field_name)
