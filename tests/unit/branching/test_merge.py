"""Merging: given the branch's net change and main as it is now, then these events on main."""

from __future__ import annotations

from collections.abc import Mapping

from strata_branching import ChangeSet, Keep, conflict_id, fold_changes, merge_events
from strata_eventstore.records import StoredEvent
from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated, PeerProperties
from strata_graph.folding import NodeEvent
from strata_graph.records import RecordState

from .world import cardinality, created, deleted, fold_states, stored, stored_run, updated

BASE = fold_states({}, stored_run([created("d1", tags=["p1"], site="p1", name="edge", role="leaf")]))


def branch(events: list[StoredEvent]) -> ChangeSet:
    return fold_changes(BASE, events, cardinality=cardinality)


def main_after(events: list[StoredEvent]) -> dict[str, RecordState | None]:
    return fold_states(BASE, events)


def merge(
    changes: ChangeSet, main: Mapping[str, RecordState | None], choices: Mapping[str, Keep] | None = None
) -> list[NodeEvent]:
    return merge_events(changes, main, choices)


def test_an_added_object_is_created_as_the_branch_left_it() -> None:
    changes = branch(stored_run([created("d2", tags=["p1"], name="n"), updated("d2", peers_added={"tags": ["p2"]})]))
    (event,) = merge(changes, BASE)
    assert isinstance(event, NodeCreated)
    assert event.attributes == {"name": AttributeValue(value="n")}
    assert event.relationships == {"tags": ["p1", "p2"], "site": []}


def test_an_update_carries_only_what_changed_as_deltas() -> None:
    changes = branch(stored_run([updated("d1", attributes={"role": AttributeValue(value="spine")},
                                         peers_added={"tags": ["p2"]})]))  # fmt: skip
    (event,) = merge(changes, BASE)
    assert isinstance(event, NodeUpdated)
    assert event.attributes == {"role": AttributeValue(value="spine")}
    assert (event.relationships, event.peers_added, event.peers_removed) == ({}, {"tags": ["p2"]}, {})


def test_a_removed_object_is_deleted() -> None:
    assert merge(branch([stored(2, deleted("d1"))]), BASE) == [NodeDeleted(node_id="d1", kind="InfraDevice")]


def test_changes_main_made_elsewhere_survive() -> None:
    changes = branch(stored_run([updated("d1", attributes={"name": AttributeValue(value="core")},
                                         peers_added={"tags": ["p2"]})]))  # fmt: skip
    main = main_after(stored_run([updated("d1", attributes={"name": AttributeValue(value="edge", is_protected=True)},
                                          peers_added={"tags": ["p3"]})]))  # fmt: skip
    result = fold_states(main, stored_run(merge(changes, main), start=50))["d1"]
    assert result is not None
    assert result.attrs["name"] == {"value": "core", "is_protected": True}
    assert set(result.rels["tags"]) == {"p1", "p2", "p3"}


def test_keep_main_leaves_the_conflicting_field_alone() -> None:
    changes = branch(stored_run([updated("d1", attributes={"name": AttributeValue(value="core")},
                                         relationships={"site": ["p2"]})]))  # fmt: skip
    main = main_after(stored_run([updated("d1", attributes={"name": AttributeValue(value="dist")},
                                          relationships={"site": ["p3"]})]))  # fmt: skip
    keep_main: dict[str, Keep] = {conflict_id("data/d1/name/value"): "main", conflict_id("data/d1/site/peer"): "main"}
    assert merge(changes, main, keep_main) == []
    keep_branch: dict[str, Keep] = {k: "branch" for k in keep_main}
    result = fold_states(main, stored_run(merge(changes, main, keep_branch), start=50))["d1"]
    assert result is not None
    assert result.attrs["name"]["value"] == "core" and result.rels["site"] == ["p2"]


def test_an_object_main_removed_comes_back_only_if_the_branch_is_kept() -> None:
    changes = branch([stored(2, updated("d1", attributes={"name": AttributeValue(value="core")}))])
    main = main_after([stored(2, deleted("d1"))])
    assert merge(changes, main, {conflict_id("data/d1"): "main"}) == []
    (event,) = merge(changes, main, {conflict_id("data/d1"): "branch"})
    assert isinstance(event, NodeCreated) and event.attributes["name"].value == "core"


def test_keep_main_on_a_removal_keeps_the_object() -> None:
    changes = branch([stored(2, deleted("d1"))])
    main = main_after([stored(2, updated("d1", attributes={"name": AttributeValue(value="core")}))])
    assert merge(changes, main, {conflict_id("data/d1"): "main"}) == []


def test_merging_again_adds_nothing() -> None:
    changes = branch(stored_run([created("d2", name="n"), updated("d1", relationships={"tags": ["p4"]}), deleted("d1")]))
    main = fold_states(BASE, stored_run(merge(changes, BASE), start=50))
    assert merge(changes, main) == []


def test_edge_properties_the_branch_set_reach_main_and_those_main_holds_already_do_not() -> None:
    protect = {"tags": {"p1": PeerProperties(is_protected=True, source="acc")}}
    changes = branch(stored_run([updated("d1", peer_properties=protect)]))
    (event,) = merge(changes, BASE)
    assert isinstance(event, NodeUpdated)
    assert (event.peers_added, event.peers_removed) == ({}, {})
    assert event.peer_properties == {"tags": {"p1": PeerProperties(is_protected=True, is_visible=True, source="acc")}}
    assert merge(changes, main_after(stored_run([updated("d1", peer_properties=protect)]))) == []


def test_a_peer_added_with_properties_keeps_them_on_main_and_a_created_object_too() -> None:
    changes = branch(stored_run([
        updated("d1", peers_added={"tags": ["p2"]}, peer_properties={"tags": {"p2": PeerProperties(owner="acc")}}),
        created("d2", tags=["p1"], name="n"),
        updated("d2", peer_properties={"tags": {"p1": PeerProperties(is_visible=False)}}),
    ]))  # fmt: skip
    by_id = {e.node_id: e for e in merge(changes, BASE)}
    first, second = by_id["d1"], by_id["d2"]
    assert isinstance(first, NodeUpdated) and isinstance(second, NodeCreated)
    assert first.peers_added == {"tags": ["p2"]}
    assert first.peer_properties == {"tags": {"p2": PeerProperties(is_protected=False, is_visible=True, owner="acc")}}
    assert second.peer_properties == {"tags": {"p1": PeerProperties(is_protected=False, is_visible=False)}}
    merged = fold_states(BASE, stored_run(list(by_id.values())))
    assert merged["d1"] is not None and merged["d1"].peer_props == {"tags": {"p2": {"owner": "acc"}}}
    assert merged["d2"] is not None and merged["d2"].peer_props == {"tags": {"p1": {"is_visible": False}}}


def test_an_edge_property_conflict_resolved_for_main_keeps_mains_value() -> None:
    def owner(seq: int, who: str) -> StoredEvent:
        return stored(seq, updated("d1", peer_properties={"tags": {"p1": PeerProperties(owner=who, is_protected=True)}}))

    changes = branch([owner(20, "a")])
    main = main_after([stored(30, updated("d1", peer_properties={"tags": {"p1": PeerProperties(owner="b")}}))])
    keep = {conflict_id("data/d1/tags/p1/property/HAS_OWNER"): "main"}
    (event,) = merge(changes, main, keep)  # type: ignore[arg-type]
    assert isinstance(event, NodeUpdated)
    assert event.peer_properties == {"tags": {"p1": PeerProperties(is_protected=True, is_visible=True, owner="b")}}
    (taken,) = merge(changes, main)
    assert isinstance(taken, NodeUpdated) and taken.peer_properties["tags"]["p1"].owner == "a"
