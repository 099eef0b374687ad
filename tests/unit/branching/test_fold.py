"""Folding a branch's events into net changes: given the fork states and these events, then this change set."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from strata_branching import ChangeSet, fold_changes, touched_ids
from strata_eventstore.records import StoredEvent, nanos
from strata_events import AttributeValue, BranchCreated, MutationCommitted
from strata_graph.records import RecordState

from .world import EPOCH, KIND, cardinality, created, deleted, fold_states, stored, stored_run, updated


def fold(base: Mapping[str, RecordState | None], events: list[StoredEvent]) -> ChangeSet:
    return fold_changes(base, events, cardinality=cardinality)


BASE = fold_states({}, stored_run([created("d1", tags=["p1"], site="p1", name="edge", role="leaf")]))


def test_a_created_object_is_added_with_every_field() -> None:
    changes = fold({}, stored_run([created("d9", tags=["p1", "p2"], site="p3", name="new")]))
    obj = changes.objects["d9"]
    assert obj.action == "added" and obj.before is None
    name = obj.attributes["name"]
    assert (name.action, name.old_value, name.new_value) == ("added", None, "new")
    assert {p.name for p in name.properties} == {"value", "is_protected", "is_visible"}
    assert obj.relationships["tags"].added == ("p1", "p2")
    assert obj.relationships["site"].cardinality == "one"


def test_created_then_deleted_on_the_branch_nets_to_nothing() -> None:
    changes = fold({}, stored_run([created("d9", name="tmp"), updated("d9", peers_added={"tags": ["p1"]}), deleted("d9")]))
    assert changes.objects == {}


def test_an_updated_attribute_keeps_its_fork_value_and_every_touch() -> None:
    events = [
        stored(5, updated("d1", attributes={"name": AttributeValue(value="x")})),
        stored(8, updated("d1", attributes={"name": AttributeValue(value="core")})),
    ]
    obj = fold(BASE, events).objects["d1"]
    name = obj.attributes["name"]
    assert obj.action == "updated"
    assert (name.old_value, name.new_value) == ("edge", "core")
    assert [t.seq for t in name.touches] == [5, 8]
    assert name.touches[-1].time == events[-1].time
    assert set(obj.attributes) == {"name"}


def test_a_property_change_is_reported_without_a_value_change() -> None:
    obj = fold(BASE, [stored(3, updated("d1", attributes={"role": AttributeValue(value="leaf", is_protected=True)}))])
    (prop,) = obj.objects["d1"].attributes["role"].properties
    assert (prop.name, prop.old, prop.new, prop.action) == ("is_protected", False, True, "updated")


def test_a_field_set_and_set_back_is_unchanged() -> None:
    events = stored_run(
        [
            updated("d1", attributes={"name": AttributeValue(value="x")}, peers_added={"tags": ["p2"]}),
            updated("d1", attributes={"name": AttributeValue(value="edge")}, peers_removed={"tags": ["p2"]}),
        ]
    )
    obj = fold(BASE, events).objects["d1"]
    assert obj.action == "unchanged" and obj.attributes == {} and obj.relationships == {}
    assert fold(BASE, events).changed() == []


def test_relationship_changes_are_per_peer() -> None:
    events = stored_run(
        [
            updated("d1", relationships={"tags": ["p2", "p3"]}),
            updated("d1", peers_added={"tags": ["p4"]}, peers_removed={"tags": ["p3"]}),
        ]
    )
    tags = fold(BASE, events).objects["d1"].relationships["tags"]
    assert (tags.added, tags.removed) == (("p2", "p4"), ("p1",))
    assert (tags.old_peers, set(tags.new_peers)) == (("p1",), {"p2", "p4"})


def test_reordering_peers_is_not_a_change() -> None:
    base = fold_states({}, stored_run([created("d1", tags=["p1", "p2"])]))
    assert fold(base, stored_run([updated("d1", relationships={"tags": ["p2", "p1"]})])).changed() == []


def test_a_removed_object_lists_what_it_had() -> None:
    obj = fold(BASE, [stored(4, deleted("d1"))]).objects["d1"]
    assert obj.action == "removed" and obj.after is not None and obj.after.deleted
    assert obj.attributes["name"].new is None and obj.attributes["name"].action == "removed"
    assert obj.relationships["tags"].removed == ("p1",)


def test_other_events_are_skipped() -> None:
    events = [
        StoredEvent(seq=1, subject="b.x", event=BranchCreated(branch_id="1", name="b"), stored_ns=nanos(EPOCH)),
        StoredEvent(seq=2, subject="b.head", event=MutationCommitted(mutation_id="m", event_count=1), stored_ns=nanos(EPOCH)),
    ]
    assert fold(BASE, events) == ChangeSet(objects={}, last_seq=0)


class _Spy(Mapping[str, RecordState | None]):
    """A fork-state mapping that records which objects were asked for."""

    def __init__(self, states: Mapping[str, RecordState | None]) -> None:
        self.states = states
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> RecordState | None:
        self.asked.add(key)
        return self.states[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the fold must not scan the fork states")

    def __len__(self) -> int:
        raise AssertionError("the fold must not size the fork states")


def test_only_the_objects_the_events_name_are_read() -> None:
    big = {f"x{i}": RecordState(kind=KIND) for i in range(1000)} | dict(BASE)
    spy = _Spy(big)
    events = stored_run([updated("d1", attributes={"name": AttributeValue(value="y")}), created("d7")])
    changes = fold(spy, events)
    assert spy.asked == {"d1", "d7"} == touched_ids(events)
    assert set(changes.objects) == {"d1", "d7"}


def test_changed_since_keeps_what_later_events_touched() -> None:
    events = [
        stored(5, updated("d1", attributes={"name": AttributeValue(value="x")})),
        stored(9, updated("d1", attributes={"role": AttributeValue(value="spine")})),
        stored(6, created("d8", name="n")),
    ]
    later = fold(BASE, events).since(6)
    assert set(later.objects) == {"d1"}
    assert set(later.objects["d1"].attributes) == {"role"}
