"""Upsert: found by id, then hfid, then default filter, and updated; else created."""

from __future__ import annotations

import pytest

from strata_events import AttributeValue, NodeCreated, NodeUpdated
from strata_mutations import ObjectNotFound, decide_upsert
from strata_schema import BranchSchema

from .conftest import FakeReader


async def test_absent_object_is_created(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_upsert(schema, "BuiltinTag", {"name": {"value": "green"}}, world, "t-green")
    assert decision.created and decision.node_id == "t-green"
    assert decision.events == [NodeCreated(node_id="t-green", kind="BuiltinTag", attributes={
        "name": AttributeValue(value="green"), "description": AttributeValue()})]


async def test_found_by_default_filter(schema: BranchSchema, world: FakeReader) -> None:
    data = {"name": {"value": "red"}, "description": {"value": "warm"}}
    decision = await decide_upsert(schema, "BuiltinTag", data, world, "unused")
    assert not decision.created and decision.node_id == "red"
    assert decision.events == [NodeUpdated(node_id="red", kind="BuiltinTag",
                                           attributes={"description": AttributeValue(value="warm")})]


async def test_found_by_the_hfid_its_fields_spell(schema: BranchSchema, world: FakeReader) -> None:
    data = {"name": {"value": "Rex"}, "owner": {"id": "bob"}, "breed": {"value": "Labrador"}}
    decision = await decide_upsert(schema, "TestingDog", data, world, "unused")
    assert decision.node_id == "rex" and not decision.created
    assert decision.events == [NodeUpdated(node_id="rex", kind="TestingDog",
                                           attributes={"breed": AttributeValue(value="Labrador")})]


async def test_found_by_hfid(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_upsert(schema, "TestingPerson", {"hfid": ["Bob"], "height": {"value": 180}}, world, "x")
    assert decision.node_id == "bob" and decision.events == [] and not decision.created


async def test_unknown_hfid_creates_without_it(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_upsert(schema, "TestingPerson", {"hfid": ["Zed"], "name": {"value": "Zed"}}, world, "zed")
    assert decision.created and decision.events[0].node_id == "zed"


async def test_found_by_id_which_must_exist(schema: BranchSchema, world: FakeReader) -> None:
    decision = await decide_upsert(schema, "TestingPerson", {"id": "carol", "height": {"value": 150}}, world, "x")
    assert decision.node_id == "carol" and not decision.created
    with pytest.raises(ObjectNotFound):
        await decide_upsert(schema, "TestingPerson", {"id": "nobody", "name": {"value": "N"}}, world, "x")
