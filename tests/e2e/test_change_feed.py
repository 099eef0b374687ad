"""The public change feed end to end: GraphQL mutations on main and on a branch come out on
`<prefix>.feed.v1.…` in order, with actor and branch, and only once GraphQL shows them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import msgspec
import pytest
from nats.js.api import DeliverPolicy

from strata_core.settings import Settings
from strata_feed.contract import FeedEvent, FeedNames
from strata_service.auth import seed_account_events
from tests.e2e.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.integration


@pytest.fixture
async def stack(settings: Settings, neo4j_driver: object) -> AsyncIterator[LiveStack]:
    async with live_stack(settings) as live:
        yield live


async def _tag(stack: LiveStack, name: str, branch: str = "main") -> str:
    body = await stack.gql('mutation { BuiltinTagCreate(data: {name: {value: "%s"}}) { object { id } } }' % name, branch)
    tag_id: str = body["data"]["BuiltinTagCreate"]["object"]["id"]
    return tag_id


async def _tags(stack: LiveStack, count: int) -> None:
    for i in range(count):
        await _tag(stack, f"t{i}")


async def test_mutations_on_main_and_a_branch_come_out_in_order_with_actor_and_branch(stack: LiveStack) -> None:
    names = FeedNames(prefix=stack.settings.stream_prefix)
    sub = await stack.nc.jetstream().subscribe(
        names.all_subjects, stream=names.stream, ordered_consumer=True, deliver_policy=DeliverPolicy.NEW
    )
    actor = seed_account_events("admin", "infrahub", None)[0].node_id  # the test token's account
    red = await _tag(stack, "red")
    group = await stack.gql('mutation { CoreStandardGroupCreate(data: {name: {value: "g"}}) { object { id } } }')
    group_id = group["data"]["CoreStandardGroupCreate"]["object"]["id"]
    await stack.gql('mutation { RelationshipAdd(data: {id: "%s", name: "members", nodes: [{id: "%s"}]}) { ok } }'
                    % (group_id, red))  # fmt: skip
    await stack.gql('mutation { BranchCreate(data: {name: "feat"}) { ok } }')
    blue = await _tag(stack, "blue", branch="feat")
    await stack.gql('mutation { BuiltinTagUpdate(data: {id: "%s", description: {value: "b"}}) { ok } }' % blue, "feat")
    await stack.gql('mutation { BuiltinTagDelete(data: {id: "%s"}) { ok } }' % red)
    expected = [
        ("node.created", "main", "BuiltinTag", red),
        ("node.created", "main", "CoreStandardGroup", group_id),
        ("relationship.added", "main", "CoreStandardGroup", group_id),
        ("relationship.added", "main", "BuiltinTag", red),  # the peer's side
        ("branch.created", "feat", None, None),
        ("node.created", "feat", "BuiltinTag", blue),
        ("node.updated", "feat", "BuiltinTag", blue),
        ("node.deleted", "main", "BuiltinTag", red),
    ]
    got: list[FeedEvent] = []
    while not got or got[-1].type != "node.deleted":
        msg = await sub.next_msg(timeout=60)
        event = msgspec.json.decode(msg.data, type=FeedEvent)
        assert msg.subject == names.subject(event.branch_id, event.type, event.kind)
        if (event.kind or "").startswith("Core") and event.kind != "CoreStandardGroup":
            continue  # side effects of the mutations on other core kinds, if any
        got.append(event)
    await sub.unsubscribe()
    # main's and feat's changes interleave in time; within each branch the order is the log's
    assert sorted((e.type, e.branch, e.kind, e.node_id) for e in got) == sorted(expected)
    for branch in ("main", "feat"):
        mine = [(e.type, e.branch, e.kind, e.node_id) for e in got if e.branch == branch and e.type != "branch.created"]
        assert mine == [x for x in expected if x[1] == branch and x[0] != "branch.created"]
    assert {e.actor for e in got} == {actor}
    added = next(e for e in got if e.type == "relationship.added")
    assert added.changes == {"relationship": "members", "peers": [red]}
    created = next(e for e in got if e.type == "branch.created")
    assert created.changes["origin"] == "main" and created.branch_id != "main"
    assert len({e.id for e in got}) == len(got) and all(e.mutation_id for e in got)


async def test_a_feed_message_arrives_only_once_graphql_shows_the_change(stack: LiveStack) -> None:
    names = FeedNames(prefix=stack.settings.stream_prefix)
    sub = await stack.nc.jetstream().subscribe(
        names.filter_subject(event_type="node.created", kind="BuiltinTag"),
        stream=names.stream, ordered_consumer=True, deliver_policy=DeliverPolicy.NEW,
    )  # fmt: skip
    writes = asyncio.create_task(_tags(stack, 8))  # one writer, while the subscriber reads
    seen = 0
    while seen < 8:
        msg = await sub.next_msg(timeout=60)
        event = msgspec.json.decode(msg.data, type=FeedEvent)
        # read back at once, as a subscriber would: the object is there
        found = await stack.gql('query { BuiltinTag(ids: ["%s"]) { count } }' % event.node_id)
        assert found["data"]["BuiltinTag"]["count"] == 1, event
        seen += 1
    await writes
    await sub.unsubscribe()
