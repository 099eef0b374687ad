"""The Subscription root in the generated schema, and the `changes` filter (pure)."""

from __future__ import annotations

import pytest

from strata_core.errors import BranchNotFound
from strata_feed.contract import FeedEvent, FeedNames
from strata_graphql.sdl import build_graphql_schema
from strata_graphql.subscriptions import ChangeFilter, InvalidSubscription, SubscriptionContext, build_filter
from strata_schema import BranchSchema


class _NoSource:
    async def follow(self, subject: str) -> object:
        raise AssertionError("not followed in these tests")


async def _branch_id(name: str) -> str:
    if name != "feat":
        raise BranchNotFound(f"Branch: {name} not found.", branch=name)
    return "b1"


def _ctx(schema: BranchSchema, default_branch_id: str | None = None) -> SubscriptionContext:
    return SubscriptionContext(schema=schema, source=_NoSource(), names=FeedNames("STRATA"),  # type: ignore[arg-type]  # never followed here
                               resolve_branch=_branch_id, default_branch_id=default_branch_id)  # fmt: skip


@pytest.fixture(scope="module")
def schema() -> BranchSchema:
    return BranchSchema.initial()


def test_the_schema_has_a_subscription_root(schema: BranchSchema) -> None:
    graphql_schema = build_graphql_schema(schema)
    assert graphql_schema.subscription_type is not None
    changes = graphql_schema.subscription_type.fields["changes"]
    assert set(changes.args) == {"branch", "kinds", "node_ids", "types"}
    assert str(changes.type) == "FeedChange!"


async def test_filter_resolves_the_branch_and_expands_generics(schema: BranchSchema) -> None:
    wanted = await build_filter(_ctx(schema), {"branch": "feat", "kinds": ["CoreGroup"], "types": ["node.created"]})
    assert wanted.branch_id == "b1" and wanted.types == frozenset({"node.created"})
    assert wanted.kinds is not None and {"CoreGroup", "CoreStandardGroup"} <= wanted.kinds
    default = await build_filter(_ctx(schema, default_branch_id="b9"), {})
    assert default == ChangeFilter(branch_id="b9")


@pytest.mark.parametrize(
    ("args", "argument", "named"),
    [
        ({"kinds": ["NoSuchKind"]}, "kinds", "NoSuchKind"),
        ({"types": ["node.created", "node.exploded"]}, "types", "node.exploded"),
        ({"branch": "nowhere"}, "branch", "nowhere"),
    ],
)
async def test_bad_arguments_are_refused_by_name(schema: BranchSchema, args: dict[str, object], argument: str,
                                                 named: str) -> None:  # fmt: skip
    with pytest.raises(InvalidSubscription) as refused:
        await build_filter(_ctx(schema), args)
    assert refused.value.details["argument"] == argument and named in refused.value.message


def test_matches_and_the_narrowest_subject() -> None:
    event = FeedEvent(id="b1:3:0", type="node.updated", branch="feat", branch_id="b1", seq=3,
                      occurred_at="2026-01-01T00:00:00+00:00", kind="BuiltinTag", node_id="n1")  # fmt: skip
    names = FeedNames("STRATA")
    one = ChangeFilter(branch_id="b1", kinds=frozenset({"BuiltinTag"}), types=frozenset({"node.updated"}))
    assert one.matches(event) and one.subject(names) == "strata.feed.v1.b1.node.updated.BuiltinTag"
    several = ChangeFilter(kinds=frozenset({"BuiltinTag", "CoreStandardGroup"}), node_ids=frozenset({"n2"}))
    assert not several.matches(event) and several.subject(names) == "strata.feed.v1.*.*.*.*"
    assert not ChangeFilter(branch_id="main").matches(event)
    assert ChangeFilter().matches(event)
