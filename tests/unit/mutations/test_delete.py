"""Delete: the object, its components (recursively) and every reference other objects hold."""

from __future__ import annotations

import pytest

from strata_events import NodeDeleted, NodeUpdated
from strata_mutations import MutationError, ObjectNotFound, decide_delete
from strata_schema import BranchSchema

from .conftest import FakeReader, record


async def test_references_stored_only_on_the_other_side_are_removed(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_delete(schema, "BuiltinTag", "red", world)
    assert decision.events == [
        NodeDeleted(node_id="red", kind="BuiltinTag"),
        NodeUpdated(node_id="bob", kind="TestingPerson", peers_removed={"tags": ["red"]}),
    ]


async def test_profiles_holding_the_object_let_go_too(schema: BranchSchema, world: FakeReader) -> None:
    world.records["tall"] = record("tall", "ProfileTestingPerson", {"tags": ["red"]}, profile_name="tall")
    decision = await decide_delete(schema, "BuiltinTag", "red", world)
    assert NodeUpdated(node_id="tall", kind="ProfileTestingPerson", peers_removed={"tags": ["red"]}) in decision.events


async def test_components_are_deleted_recursively(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_delete(schema, "TestingDog", {"hfid": ["Bob", "Rex"]}, world)
    assert decision.node_id == "rex"
    assert decision.events == [
        NodeDeleted(node_id="rex", kind="TestingDog"),
        NodeDeleted(node_id="collar1", kind="TestingCollar"),
        NodeDeleted(node_id="bell1", kind="TestingBell"),
        NodeUpdated(node_id="bob", kind="TestingPerson", peers_removed={"animals": ["rex"]}),
    ]


async def test_both_sides_of_a_many_to_many(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_delete(schema, "TestingClub", "chess", world)
    assert decision.events[1] == NodeUpdated(node_id="bob", kind="TestingPerson", peers_removed={"clubs": ["chess"]})


async def test_mandatory_relationships_of_others_block_the_delete(schema: BranchSchema, world: FakeReader) -> None:
    with pytest.raises(MutationError) as caught:
        await decide_delete(schema, "TestingPerson", "bob", world)
    assert [(list(i.path), i.message) for i in caught.value.issues] == [(
        ["TestingDog", "owner"],
        "Cannot delete TestingPerson 'bob'. It is linked to mandatory relationship owner on node TestingDog 'rex'",
    )]
    with pytest.raises(MutationError, match="mandatory relationship parent on node TestingSite 'paris'"):
        await decide_delete(schema, "TestingRegion", "europe", world)


async def test_deleting_the_dependent_first_is_fine(schema: BranchSchema, world: FakeReader) -> None:
    world.apply((await decide_delete(schema, "TestingDog", "rex", world)).events)
    decision = await decide_delete(schema, "TestingPerson", "bob", world)
    assert [type(e).__name__ for e in decision.events] == ["NodeDeleted", "NodeUpdated"]
    assert decision.events[1] == NodeUpdated(node_id="chess", kind="TestingClub", peers_removed={"members": ["bob"]})


async def test_unknown_or_other_kind(schema: BranchSchema, world: FakeReader) -> None:
    with pytest.raises(ObjectNotFound):
        await decide_delete(schema, "TestingPerson", "nobody", world)
    with pytest.raises(ObjectNotFound):
        await decide_delete(schema, "TestingPerson", "red", world)
