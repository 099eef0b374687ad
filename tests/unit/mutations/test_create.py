"""Create: given these objects, when this `<Kind>Create` input, then these events (or these issues)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from strata_events import AttributeValue, NodeCreated, NodeUpdated, PeerProperties
from strata_mutations import MutationError, NodeRecord, decide_create
from strata_schema import BranchSchema

from .conftest import FakeReader, record


async def refused(schema: BranchSchema, world: FakeReader, kind: str, data: dict[str, Any]) -> list[tuple[Any, str]]:
    with pytest.raises(MutationError) as caught:
        await decide_create(schema, kind, data, world, "new")
    assert caught.value.code == "validation.failed"
    return [(list(i.path), i.message) for i in caught.value.issues]


async def test_person_with_properties_and_tags_by_id_and_hfid(schema: BranchSchema, world: FakeReader) -> None:
    data = {
        "name": {"value": "Dave", "is_protected": True, "source": "src-1", "owner": "own-1"},
        "height": {"value": 170},
        "tags": [{"id": "red"}, {"hfid": ["blue"], "_relation__is_protected": True}],
    }
    events = await decide_create(schema, "TestingPerson", data, world, "dave")
    assert events == [NodeCreated(
        node_id="dave", kind="TestingPerson",
        attributes={
            "name": AttributeValue(value="Dave", is_protected=True, source="src-1", owner="own-1"),
            "height": AttributeValue(value=170),
            "nickname": AttributeValue(),
            "mood": AttributeValue(value="calm", is_default=True),
        },
        relationships={"tags": ["red", "blue"]},
        peer_properties={"tags": {"blue": PeerProperties(is_protected=True)}},
    )]


async def test_dog_with_owner_is_added_to_the_owners_animals(schema: BranchSchema, world: FakeReader) -> None:
    data = {"name": {"value": "Fido"}, "breed": {"value": "Pug"}, "owner": {"id": "carol"}}
    events = await decide_create(schema, "TestingDog", data, world, "fido")
    created, carol = events
    assert isinstance(created, NodeCreated)
    assert created.relationships == {"owner": ["carol"]}
    assert created.attributes["color"] == AttributeValue(value="#444444", is_default=True)
    assert carol == NodeUpdated(node_id="carol", kind="TestingPerson", peers_added={"animals": ["fido"]})


async def test_owner_by_hfid_and_one_sided_favorite(schema: BranchSchema, world: FakeReader) -> None:
    data = {"name": {"value": "Fido"}, "breed": {"value": "Pug"}, "owner": {"hfid": ["Carol"]},
            "best_friend": {"id": "bob"}}
    events = await decide_create(schema, "TestingDog", data, world, "fido")
    assert [(type(e).__name__, e.node_id) for e in events] == [
        ("NodeCreated", "fido"), ("NodeUpdated", "carol"), ("NodeUpdated", "bob")]
    assert isinstance(events[2], NodeUpdated) and events[2].peers_added == {"best_friends": ["fido"]}


async def test_peer_by_default_filter_value(schema: BranchSchema, world: FakeReader) -> None:
    world.records["t-green"] = record("t-green", "BuiltinTag", name="green")
    events = await decide_create(schema, "TestingPerson", {"name": {"value": "Dave"}, "tags": [{"id": "green"}]},
                                 world, "dave")
    assert isinstance(events[0], NodeCreated) and events[0].relationships == {"tags": ["t-green"]}


async def test_a_single_object_for_a_list_relationship_is_one_peer(schema: BranchSchema, world: FakeReader) -> None:
    events = await decide_create(schema, "TestingPerson", {"name": {"value": "Dave"}, "tags": {"id": "red"}},
                                 world, "dave")
    assert isinstance(events[0], NodeCreated) and events[0].relationships == {"tags": ["red"]}


async def test_given_id_is_used(schema: BranchSchema, world: FakeReader) -> None:
    events = await decide_create(schema, "BuiltinTag", {"id": "t-9", "name": {"value": "nine"}}, world, "unused")
    assert events[0].node_id == "t-9"


async def test_component_gets_its_parent_back_reference(schema: BranchSchema, world: FakeReader) -> None:
    events = await decide_create(schema, "TestingCollar", {"size": {"value": "S"}, "dog": {"id": "rex"}}, world, "c2")
    assert events[1] == NodeUpdated(node_id="rex", kind="TestingDog", peers_added={"collars": ["c2"]})


async def test_site_joins_its_region(schema: BranchSchema, world: FakeReader) -> None:
    events = await decide_create(schema, "TestingSite", {"name": {"value": "lyon"}, "parent": {"id": "europe"}},
                                 world, "lyon")
    assert events[1] == NodeUpdated(node_id="europe", kind="TestingRegion", peers_added={"children": ["lyon"]})


async def test_label_is_filled_from_name(schema: BranchSchema, world: FakeReader) -> None:
    events = await decide_create(schema, "CoreStandardGroup", {"name": {"value": "dc_west"}}, world, "g")
    assert isinstance(events[0], NodeCreated) and events[0].attributes["label"].value == "Dc West"


# -- refusals -----------------------------------------------------------------------------------
async def test_missing_mandatory_fields(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingDog", {"breed": {"value": "Pug"}})
    assert issues == [(["data", "name"], "name is mandatory for TestingDog"),
                      (["data", "owner"], "owner is mandatory for TestingDog")]


async def test_every_problem_is_reported_at_once(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingPerson", {
        "colour": {"value": "x"}, "height": {"value": "tall", "flavour": 1}, "nickname": {"value": "B"}})
    assert issues == [
        (["data", "colour"], "colour is not a valid input for TestingPerson"),
        (["data", "name"], "name is mandatory for TestingPerson"),
        (["data", "height", "flavour"], "flavour is not a valid input for the attribute height"),
        (["data", "nickname"], "nickname is read-only and cannot be set"),
    ]


@pytest.mark.parametrize(("data", "expected"), [
    ({"name": {"value": None}}, (["data", "name", "value"], "A value must be provided for name")),
    ({"name": {"value": "D"}, "height": {"value": "tall"}}, (["data", "height", "value"], "'tall' is not an integer")),
    ({"name": {"value": "D"}, "mood": {"value": "sad"}},
     (["data", "mood", "value"], "'sad' is not one of the choices ['calm', 'grumpy']")),
    ({"name": {"value": "D", "is_protected": "yes"}}, (["data", "name", "is_protected"], "is_protected must be a boolean")),
    ({"name": "D"}, (["data", "name"], "name expects an object such as {value: ...}")),
    ({"name": {"value": "x" * 4093}},
     (["data", "name", "value"], "Text attribute length should be less than 4096 characters.")),
    ({"name": {"value": "D"}, "height": {"from_pool": {"id": "p"}}},
     (["data", "height", "from_pool"],
      "allocating height from a resource pool is not supported in a document of several creates: send this create alone")),
])
async def test_bad_attribute_inputs(schema: BranchSchema, world: FakeReader, data: dict[str, Any],
                                    expected: tuple[Any, str]) -> None:
    assert await refused(schema, world, "TestingPerson", data) == [expected]


async def test_unique_attribute(schema: BranchSchema, world: FakeReader) -> None:
    assert await refused(schema, world, "TestingPerson", {"name": {"value": "Bob"}}) == [
        (["data", "name", "value"], "Violates uniqueness constraint 'name'")]


async def test_grouped_uniqueness_spans_the_generic(schema: BranchSchema, world: FakeReader) -> None:
    cat = {"name": {"value": "Rex"}, "breed": {"value": "Siamese"}, "owner": {"id": "bob"}}
    assert await refused(schema, world, "TestingCat", cat) == [
        (["data", "owner"], "Violates uniqueness constraint 'owner-name'")]
    cat["owner"] = {"id": "carol"}
    assert await decide_create(schema, "TestingCat", cat, world, "cat")


async def test_peer_of_the_wrong_kind(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingDog",
                           {"name": {"value": "F"}, "breed": {"value": "P"}, "owner": {"id": "red"}})
    assert issues == [(["data", "owner"], "BuiltinTag red cannot be a peer of owner, which takes TestingPerson")]


async def test_hierarchy_parent_must_be_of_the_parent_kind(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingSite", {"name": {"value": "x"}, "parent": {"id": "paris"}})
    assert issues == [(["data", "parent"], "TestingSite paris cannot be a peer of parent, which takes TestingRegion")]


async def test_profiles_must_be_the_kinds_profiles(schema: BranchSchema, world: FakeReader) -> None:
    world.records["pd"] = record("pd", "ProfileTestingDog", profile_name="dogs")
    issues = await refused(schema, world, "TestingPerson", {"name": {"value": "D"}, "profiles": [{"id": "pd"}]})
    assert issues == [(["data", "profiles", 0],
                       "peer pd is of kind ProfileTestingDog, only ['ProfileTestingPerson'] are allowed")]


async def test_unknown_peers(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingPerson",
                           {"name": {"value": "D"}, "tags": [{"id": "nope"}, {"hfid": ["green"]}, {"kind": "X"}]})
    assert issues == [
        (["data", "tags", 2], "either id or hfid must be provided to identify a related node"),
    ]
    issues = await refused(schema, world, "TestingPerson",
                           {"name": {"value": "D"}, "tags": [{"id": "nope"}, {"hfid": ["green"]}]})
    assert issues == [
        (["data", "tags", 0], "Unable to find the node nope / BuiltinTag in the database."),
        (["data", "tags", 1], "Unable to find the node green / BuiltinTag in the database."),
    ]


async def test_cardinality_one_takes_no_list(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingDog",
                           {"name": {"value": "F"}, "breed": {"value": "P"}, "owner": [{"id": "bob"}]})
    assert issues == [(["data", "owner"], "owner takes a single related node, not a list")]


async def test_too_many_peers(schema: BranchSchema, world: FakeReader) -> None:
    for name in ("c1", "c2", "c3"):
        world.records[name] = record(name, "TestingClub", name=name)
    clubs = [{"id": c} for c in ("chess", "c1", "c2", "c3")]
    assert await refused(schema, world, "TestingPerson", {"name": {"value": "D"}, "clubs": clubs}) == [
        (["data", "clubs"], "Too many relationships, max 3")]


async def test_peer_side_limit(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingPerson", {"name": {"value": "D"}, "animals": [{"id": "rex"}]})
    assert issues == [(["data", "animals"], "TestingDog rex would have 2 peers on owner, at most 1 allowed")]
    issues = await refused(schema, world, "TestingRegion", {"name": {"value": "asia"}, "children": [{"id": "paris"}]})
    assert issues == [(["data", "children"], "TestingSite paris would have 2 peers on parent, at most 1 allowed")]


async def test_id_in_use(schema: BranchSchema, world: FakeReader) -> None:
    assert await refused(schema, world, "BuiltinTag", {"id": "red", "name": {"value": "x"}}) == [
        (["data", "id"], "red is already in use")]


async def test_generics_cannot_be_created(schema: BranchSchema, world: FakeReader) -> None:
    issues = await refused(schema, world, "TestingAnimal", {"name": {"value": "x"}})
    assert issues == [([], "TestingAnimal is a generic, objects are created with one of ['TestingCat', 'TestingDog']")]


async def test_error_message_names_the_fields(schema: BranchSchema, world: FakeReader) -> None:
    with pytest.raises(MutationError) as caught:
        await decide_create(schema, "TestingPerson", {"name": {"value": "Bob"}}, world, "x")
    assert str(caught.value) == "Violates uniqueness constraint 'name' at name"
    assert caught.value.details["errors"] == [
        {"path": ["data", "name", "value"], "message": "Violates uniqueness constraint 'name'"}]


class _LateReads(FakeReader):
    """Answers the reads named in `late` after all others: checks run side by side would end
    in the other order than they started."""

    def __init__(self, schema: BranchSchema, records: list[NodeRecord], late: set[str]) -> None:
        super().__init__(schema, records)
        self._late = late

    async def get(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        if self._late.intersection(ids):
            await asyncio.sleep(0.01)
        return await super().get(ids)

    async def find_by_values(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        if self._late.intersection(values):
            await asyncio.sleep(0.01)
        return await super().find_by_values(kind, values)


async def test_problems_are_reported_in_input_order_however_long_each_read_takes(schema: BranchSchema) -> None:
    reader = _LateReads(schema, [record("taken", "TestingPerson", name="Taken")], late={"taken"})
    problems = await refused(schema, reader, "TestingDog", {"id": "taken", "name": {"value": "Rex"}, "breed": {"value": "x"},
                                                            "owner": {"id": "nobody"}})  # fmt: skip
    assert [path for path, _ in problems] == [["data", "id"], ["data", "owner"]], problems


async def test_every_violated_constraint_is_reported_in_the_schemas_order() -> None:
    pairs = BranchSchema.initial().load([("pairs.yml", {"version": "1.0", "nodes": [{
        "name": "Pair", "namespace": "Testing",
        "attributes": [{"name": "first", "kind": "Text", "unique": True}, {"name": "second", "kind": "Text", "unique": True}],
    }]})]).new_schema  # fmt: skip
    reader = _LateReads(pairs, [record("old", "TestingPair", first="a", second="b")], late={"first"})
    problems = await refused(pairs, reader, "TestingPair", {"first": {"value": "a"}, "second": {"value": "b"}})
    assert [path for path, _ in problems] == [["data", "first", "value"], ["data", "second", "value"]], problems


async def test_an_edge_property_is_set_on_both_ends_of_the_edge(schema: BranchSchema, world: FakeReader) -> None:
    data = {"name": {"value": "Fido"}, "breed": {"value": "Pug"},
            "owner": {"id": "carol", "_relation__is_protected": True, "_relation__is_visible": True}}
    created, carol = await decide_create(schema, "TestingDog", data, world, "fido")
    assert isinstance(created, NodeCreated) and isinstance(carol, NodeUpdated)
    given = PeerProperties(is_protected=True, is_visible=True)
    assert created.peer_properties == {"owner": {"carol": given}}
    assert carol.peer_properties == {"animals": {"fido": given}}


async def test_an_edge_source_must_name_an_object(schema: BranchSchema, world: FakeReader) -> None:
    data = {"name": {"value": "Fido"}, "breed": {"value": "Pug"}, "owner": {"id": "carol", "_relation__source": "nobody"}}
    assert await refused(schema, world, "TestingDog", data) == [
        (["data", "owner", "_relation__source"], "_relation__source: Unable to find the node nobody in the database."),
    ]
    data["owner"] = {"id": "carol", "_relation__is_protected": "yes"}
    assert await refused(schema, world, "TestingDog", data) == [
        (["data", "owner", "_relation__is_protected"], "_relation__is_protected must be a boolean"),
    ]
