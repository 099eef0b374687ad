"""Which unprojected mutations a bulk document may be decided over from memory (`bulk_prior`)."""

from __future__ import annotations

from strata_api.bulk_prior import qualifies
from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated
from strata_mutations import NodeEvent
from strata_schema import BranchSchema
from tests.unit.mutations.conftest import ANIMALS


def _schema() -> BranchSchema:
    return BranchSchema.initial().load([("animals.yml", ANIMALS)]).new_schema


def test_creates_and_back_references_on_a_many_side_qualify() -> None:
    events: list[NodeEvent] = [NodeCreated(node_id="rex", kind="TestingDog", relationships={"owner": ["bob"]}),
              NodeUpdated(node_id="bob", kind="TestingPerson", peers_added={"animals": ["rex"]})]  # fmt: skip
    assert qualifies(_schema(), events)


def test_what_could_change_a_stored_objects_lookups_does_not() -> None:
    schema = _schema()
    renamed = NodeUpdated(node_id="bob", kind="TestingPerson", attributes={"name": AttributeValue(value="Rob")})
    one_side = NodeUpdated(node_id="rex", kind="TestingDog", peers_added={"owner": ["carol"]})
    for event in (renamed, one_side, NodeDeleted(node_id="bob", kind="TestingPerson"),
                  NodeUpdated(node_id="bob", kind="TestingPerson", peers_removed={"animals": ["rex"]})):  # fmt: skip
        assert not qualifies(schema, [event]), event
    # an object created among them may be changed freely: memory holds all of it
    created = NodeCreated(node_id="rex", kind="TestingDog")
    assert qualifies(schema, [created, one_side, NodeUpdated(node_id="rex", kind="TestingDog",
                                                            attributes={"name": AttributeValue(value="Max")})])
