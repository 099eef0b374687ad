"""Update: only the fields given change; a list relationship given replaces the whole set."""

from __future__ import annotations

from typing import Any

import pytest

from strata_events import AttributeValue, NodeUpdated
from strata_mutations import Decision, MutationError, ObjectNotFound, decide_update
from strata_schema import BranchSchema

from .conftest import FakeReader


async def refused(schema: BranchSchema, world: FakeReader, kind: str, data: dict[str, Any]) -> list[tuple[Any, str]]:
    with pytest.raises(MutationError) as caught:
        await decide_update(schema, kind, data, world)
    return [(list(i.path), i.message) for i in caught.value.issues]


async def test_only_the_given_attribute_changes(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_update(schema, "TestingPerson",
                                   {"id": "bob", "name": {"value": "Bob"}, "height": {"value": 181}}, world)
    assert decision == Decision(node_id="bob", events=[
        NodeUpdated(node_id="bob", kind="TestingPerson", attributes={"height": AttributeValue(value=181)})])


async def test_nothing_to_change_decides_nothing(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_update(schema, "TestingPerson",
                                   {"id": "bob", "height": {"value": 180}, "clubs": [{"id": "chess"}]}, world)
    assert decision.events == []


async def test_properties_merge_with_the_stored_attribute(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_update(schema, "TestingPerson", {"id": "bob", "height": {"is_protected": True}}, world)
    assert decision.events[0] == NodeUpdated(node_id="bob", kind="TestingPerson", attributes={
        "height": AttributeValue(value=180, is_protected=True)})


async def test_is_default_restores_the_default(schema: BranchSchema, world: FakeReader) -> None:
    world.records["bob"].attrs["mood"] = {"value": "grumpy"}
    decision = await decide_update(schema, "TestingPerson", {"id": "bob", "mood": {"is_default": True}}, world)
    assert decision.events[0] == NodeUpdated(node_id="bob", kind="TestingPerson",
                                             attributes={"mood": AttributeValue(value="calm", is_default=True)})


async def test_located_by_hfid(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_update(schema, "TestingDog", {"hfid": ["Bob", "Rex"], "weight": {"value": 9}}, world)
    assert decision.node_id == "rex"


async def test_new_owner_moves_the_dog_between_people(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_update(schema, "TestingDog", {"id": "rex", "owner": {"id": "carol"}}, world)
    assert decision.events == [
        NodeUpdated(node_id="rex", kind="TestingDog", relationships={"owner": ["carol"]}),
        NodeUpdated(node_id="carol", kind="TestingPerson", peers_added={"animals": ["rex"]}),
        NodeUpdated(node_id="bob", kind="TestingPerson", peers_removed={"animals": ["rex"]}),
    ]


async def test_list_input_replaces_the_set(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_update(schema, "TestingPerson",
                                   {"id": "bob", "clubs": [{"id": "go"}], "tags": [{"hfid": ["blue"]}]}, world)
    assert decision.events == [
        NodeUpdated(node_id="bob", kind="TestingPerson", relationships={"tags": ["blue"], "clubs": ["go"]}),
        NodeUpdated(node_id="go", kind="TestingClub", peers_added={"members": ["bob"]}),
        NodeUpdated(node_id="chess", kind="TestingClub", peers_removed={"members": ["bob"]}),
    ]


async def test_null_clears_an_optional_relationship(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_update(schema, "TestingPerson", {"id": "bob", "tags": None}, world)
    assert decision.events == [NodeUpdated(node_id="bob", kind="TestingPerson", relationships={"tags": []})]


async def test_unknown_object(schema: BranchSchema, world: FakeReader) -> None:
    with pytest.raises(ObjectNotFound) as caught:
        await decide_update(schema, "TestingPerson", {"id": "rex", "height": {"value": 1}}, world)
    assert caught.value.code == "node.not_found"
    assert str(caught.value) == "Unable to find the node rex / TestingPerson in the database."
    with pytest.raises(ObjectNotFound):
        await decide_update(schema, "TestingPerson", {"hfid": ["Zed"]}, world)
    assert await refused(schema, world, "TestingPerson", {"height": {"value": 1}}) == [
        (["data"], "either id or hfid must be provided to identify the object")]


@pytest.mark.parametrize(("kind", "data", "expected"), [
    ("TestingPerson", {"id": "bob", "name": {"value": None}},
     (["data", "name", "value"], "A value must be provided for name")),
    ("TestingDog", {"id": "rex", "owner": None}, (["data", "owner"], "owner is mandatory for TestingDog")),
    ("TestingPerson", {"id": "carol", "name": {"value": "Bob"}},
     (["data", "name", "value"], "Violates uniqueness constraint 'name'")),
    ("TestingPerson", {"id": "bob", "animals": []},
     (["data", "animals"], "TestingDog rex would have 0 peers on owner, at least 1 required")),
    ("TestingPerson", {"id": "bob", "age": {"value": 3}}, (["data", "age"], "age is not a valid input for TestingPerson")),
    ("TestingPerson", {"id": "bob", "nickname": {"value": "B"}},
     (["data", "nickname"], "nickname is read-only and cannot be set")),
    ("TestingRegion", {"id": "europe", "parent": {"id": "paris"}},
     (["data", "parent"], "europe cannot be its own ancestor in the TestingRegion hierarchy")),
])
async def test_refusals(schema: BranchSchema, world: FakeReader, kind: str, data: dict[str, Any],
                        expected: tuple[Any, str]) -> None:
    assert await refused(schema, world, kind, data) == [expected]


async def test_children_cannot_include_an_ancestor(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingSite", {"id": "paris", "children": [{"id": "europe"}]})
    assert (["data", "children"], "europe cannot be a child of paris: it is paris or one of its ancestors") in issues
