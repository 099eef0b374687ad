"""RelationshipAdd / RelationshipRemove on a relationship of cardinality many."""

from __future__ import annotations

import pytest

from strata_events import NodeUpdated
from strata_mutations import MutationError, ObjectNotFound, decide_relationship_add, decide_relationship_remove
from strata_schema import BranchSchema

from .conftest import FakeReader, record


async def test_add_a_one_sided_peer(schema: BranchSchema, world: FakeReader) -> None:
    events = await decide_relationship_add(schema, "bob", "tags", ["blue", "red"], world)
    assert events == [NodeUpdated(node_id="bob", kind="TestingPerson", peers_added={"tags": ["blue"]})]
    assert await decide_relationship_add(schema, "bob", "tags", ["red"], world) == []


async def test_add_and_remove_both_sides(schema: BranchSchema, world: FakeReader) -> None:
    assert await decide_relationship_add(schema, "bob", "clubs", [{"hfid": ["go"]}], world) == [
        NodeUpdated(node_id="bob", kind="TestingPerson", peers_added={"clubs": ["go"]}),
        NodeUpdated(node_id="go", kind="TestingClub", peers_added={"members": ["bob"]}),
    ]
    assert await decide_relationship_remove(schema, "bob", "clubs", [{"id": "chess"}, {"id": "go"}], world) == [
        NodeUpdated(node_id="bob", kind="TestingPerson", peers_removed={"clubs": ["chess"]}),
        NodeUpdated(node_id="chess", kind="TestingClub", peers_removed={"members": ["bob"]}),
    ]


async def test_add_a_child_to_a_region(schema: BranchSchema, world: FakeReader) -> None:
    world.records["lyon"] = record("lyon", "TestingSite", name="lyon")
    events = await decide_relationship_add(schema, "europe", "children", ["lyon"], world)
    assert events[1] == NodeUpdated(node_id="lyon", kind="TestingSite", peers_added={"parent": ["europe"]})


async def test_removing_what_is_not_there_changes_nothing(schema: BranchSchema, world: FakeReader) -> None:
    assert await decide_relationship_remove(schema, "bob", "tags", ["blue", "ghost"], world) == []


@pytest.mark.parametrize(("name", "peers", "message"), [
    ("pets", ["rex"], "'pets' is not a valid relationship for 'TestingPerson'"),
    ("favorite_animal", ["rex"], "'favorite_animal' must be a relationship of cardinality Many"),
    ("tags", ["carol"], "TestingPerson carol cannot be a peer of tags, which takes BuiltinTag"),
    ("tags", ["ghost"], "Unable to find the node ghost / BuiltinTag in the database."),
    ("animals", ["rex"], None),
])
async def test_add_refusals(schema: BranchSchema, world: FakeReader, name: str, peers: list[str],
                            message: str | None) -> None:
    if message is None:  # already there: nothing to do
        assert await decide_relationship_add(schema, "bob", name, peers, world) == []
        return
    with pytest.raises(MutationError) as caught:
        await decide_relationship_add(schema, "bob", name, peers, world)
    assert [i.message for i in caught.value.issues] == [message]


async def test_limits(schema: BranchSchema, world: FakeReader) -> None:
    for name in ("c1", "c2", "c3"):
        world.records[name] = record(name, "TestingClub", name=name)
    with pytest.raises(MutationError, match="Too many relationships, max 3"):
        await decide_relationship_add(schema, "bob", "clubs", ["c1", "c2", "c3"], world)
    world.records["carol"] = record("carol", "TestingPerson", name="Carol")
    with pytest.raises(MutationError, match="TestingDog rex would have 2 peers on owner, at most 1 allowed"):
        await decide_relationship_add(schema, "carol", "animals", ["rex"], world)
    with pytest.raises(MutationError, match="TestingDog rex would have 0 peers on owner, at least 1 required"):
        await decide_relationship_remove(schema, "bob", "animals", ["rex"], world)


async def test_unknown_source(schema: BranchSchema, world: FakeReader) -> None:
    with pytest.raises(ObjectNotFound):
        await decide_relationship_add(schema, "ghost", "tags", ["red"], world)
