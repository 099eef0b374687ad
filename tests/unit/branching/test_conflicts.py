"""Conflicts and their resolution: given the branch's and main's events since the fork, then these conflicts."""

from __future__ import annotations

import msgspec
import pytest

from strata_branching import ChangeSet, Conflict, apply_resolutions, conflict_id, detect_conflicts, fold_changes
from strata_core.errors import ValidationFailed
from strata_eventstore.records import StoredEvent
from strata_events import AttributeValue, PeerProperties

from .world import cardinality, created, deleted, fold_states, stored, stored_run, updated

BASE = fold_states({}, stored_run([created("d1", tags=["p1"], site="p1", name="edge", role="leaf")]))


def fold(events: list[StoredEvent]) -> ChangeSet:
    return fold_changes(BASE, events, cardinality=cardinality)


def conflicts(branch: list[StoredEvent], main: list[StoredEvent]) -> list[Conflict]:
    return detect_conflicts(fold(branch), fold(main))


def name_set_to(value: str, seq: int = 10, *, is_protected: bool = False, source: str | None = None) -> StoredEvent:
    attribute = AttributeValue(value=value, is_protected=is_protected, source=source)
    return stored(seq, updated("d1", attributes={"name": attribute}))


def test_the_same_value_changed_differently_is_a_conflict() -> None:
    (conflict,) = conflicts([name_set_to("core", seq=20)], [name_set_to("dist", seq=30)])
    assert conflict.path == "data/d1/name/value"
    assert conflict.id == conflict_id("data/d1/name/value")
    assert (conflict.scope, conflict.field, conflict.prop) == ("attribute", "name", "value")
    assert (conflict.branch_value, conflict.main_value) == ("core", "dist")
    assert conflict.branch_changed_at == stored(20, updated("d1")).time


def test_the_same_change_on_both_sides_is_not_a_conflict() -> None:
    assert conflicts([name_set_to("core")], [name_set_to("core")]) == []


def test_different_properties_of_one_attribute_do_not_conflict() -> None:
    assert conflicts([name_set_to("core")], [name_set_to("edge", is_protected=True)]) == []


def test_a_property_changed_differently_is_a_conflict_of_its_own() -> None:
    (conflict,) = conflicts([name_set_to("edge", source="s1")], [name_set_to("edge", source="s2")])
    assert conflict.path == "data/d1/name/property/HAS_SOURCE"


def test_a_cardinality_one_peer_changed_differently_is_a_conflict() -> None:
    branch = [stored(3, updated("d1", relationships={"site": ["p2"]}))]
    main = [stored(3, updated("d1", relationships={"site": ["p3"]}))]
    (conflict,) = conflicts(branch, main)
    assert conflict.path == "data/d1/site/peer"
    assert (conflict.branch_value, conflict.main_value, conflict.branch_action) == ("p2", "p3", "updated")


def test_cardinality_many_changes_compose_without_conflict() -> None:
    branch = [stored(3, updated("d1", peers_added={"tags": ["p2"]}, peers_removed={"tags": ["p1"]}))]
    main = [stored(3, updated("d1", peers_added={"tags": ["p3"]}, peers_removed={"tags": ["p1"]}))]
    assert conflicts(branch, main) == []


def test_removed_on_one_side_and_changed_on_the_other_is_an_object_conflict() -> None:
    (conflict,) = conflicts([stored(3, deleted("d1"))], [name_set_to("core")])
    assert (conflict.scope, conflict.path, conflict.branch_action, conflict.main_action) == (
        "node", "data/d1", "removed", "updated",
    )  # fmt: skip
    assert conflicts([stored(3, deleted("d1"))], [stored(4, deleted("d1"))]) == []


def test_a_change_undone_on_main_leaves_no_conflict() -> None:
    assert conflicts([name_set_to("core")], [name_set_to("x", seq=3), name_set_to("edge", seq=4)]) == []


def test_conflict_ids_do_not_depend_on_values_or_times() -> None:
    first = conflicts([name_set_to("a", seq=2)], [name_set_to("b", seq=3)])
    second = conflicts([name_set_to("c", seq=7)], [name_set_to("d", seq=9)])
    assert [c.id for c in first] == [c.id for c in second]


class _Resolved(msgspec.Struct, frozen=True):
    conflict_id: str
    keep: str


def test_resolutions_close_conflicts_and_the_last_one_wins() -> None:
    found = conflicts(
        [name_set_to("core"), stored(11, updated("d1", relationships={"site": ["p2"]}))],
        [name_set_to("dist"), stored(11, updated("d1", relationships={"site": ["p3"]}))],
    )
    value, site = sorted(found, key=lambda c: c.path, reverse=True)
    open_, choices = apply_resolutions(
        found, [_Resolved(value.id, "branch"), _Resolved("stale-id", "main"), _Resolved(value.id, "main")]
    )
    assert open_ == [site]
    assert choices == {value.id: "main"}


def test_a_resolution_must_pick_a_side() -> None:
    found = conflicts([name_set_to("core")], [name_set_to("dist")])
    with pytest.raises(ValidationFailed):
        apply_resolutions(found, [_Resolved(found[0].id, "both")])


def _edge_set(seq: int, **props: object) -> StoredEvent:
    return stored(seq, updated("d1", peer_properties={"tags": {"p1": PeerProperties(**props)}}))  # type: ignore[arg-type]


def test_an_edge_property_both_sides_set_differently_is_a_conflict() -> None:
    (conflict,) = conflicts([_edge_set(20, is_protected=True, owner="a")], [_edge_set(30, owner="b")])
    assert conflict.path == "data/d1/tags/p1/property/HAS_OWNER"
    assert (conflict.scope, conflict.field, conflict.peer, conflict.prop) == ("edge", "tags", "p1", "owner")
    assert (conflict.branch_value, conflict.main_value) == ("a", "b")
    assert (conflict.branch_action, conflict.main_action) == ("added", "added")


def test_edge_properties_set_alike_or_apart_do_not_conflict() -> None:
    assert conflicts([_edge_set(20, owner="a")], [_edge_set(30, owner="a")]) == []
    assert conflicts([_edge_set(20, is_protected=True)], [_edge_set(30, owner="b")]) == []
