"""Relationship edge properties folded onto records (pure)."""

from __future__ import annotations

import msgspec

from strata_events import NodeCreated, NodeDeleted, NodeUpdated, PeerProperties
from strata_events.peer_properties import decode_peer_props, peer_props_after
from strata_graph.folding import apply_node_event, fold_versions

_PROTECTED = PeerProperties(is_protected=True)


def _person(**props: PeerProperties) -> NodeCreated:
    return NodeCreated(node_id="p", kind="Person", relationships={"tags": ["red", "blue"]},
                       peer_properties={"tags": dict(props)} if props else {})  # fmt: skip


def test_a_create_keeps_only_what_differs_from_the_defaults() -> None:
    state = apply_node_event(None, _person(red=PeerProperties(is_protected=True, is_visible=True, source="acc"),
                                           blue=PeerProperties(is_protected=False)))  # fmt: skip
    assert state.peer_props == {"tags": {"red": {"is_protected": True, "source": "acc"}}}


def test_an_update_sets_what_it_names_and_keeps_the_rest_of_the_edge() -> None:
    state = apply_node_event(None, _person(red=PeerProperties(is_protected=True, source="acc")))
    after = apply_node_event(state, NodeUpdated(node_id="p", kind="Person",
                                                peer_properties={"tags": {"red": PeerProperties(is_protected=False),
                                                                          "blue": PeerProperties(owner="acc")}}))  # fmt: skip
    assert after.peer_props == {"tags": {"red": {"source": "acc"}, "blue": {"owner": "acc"}}}


def test_an_edge_that_goes_takes_its_properties_with_it() -> None:
    state = apply_node_event(None, _person(red=_PROTECTED, blue=_PROTECTED))
    fewer = apply_node_event(state, NodeUpdated(node_id="p", kind="Person", peers_removed={"tags": ["red"]}))
    assert fewer.peer_props == {"tags": {"blue": {"is_protected": True}}}
    replaced = apply_node_event(fewer, NodeUpdated(node_id="p", kind="Person", relationships={"tags": ["green"]}))
    assert replaced.peer_props == {}
    back = apply_node_event(replaced, NodeUpdated(node_id="p", kind="Person", peers_added={"tags": ["blue"]}))
    assert back.peer_props == {}, "added again, the edge starts from the defaults"
    assert apply_node_event(state, NodeDeleted(node_id="p", kind="Person")).peer_props == state.peer_props


def test_properties_of_a_peer_not_held_are_ignored() -> None:
    assert peer_props_after({}, {"tags": ["red"]}, {"tags": {"green": _PROTECTED}, "owner": {"x": _PROTECTED}}) == {}


def test_the_record_keeps_them_as_text_on_both_fold_paths() -> None:
    """An object created alone gets its row from the event; created and changed in one run, from
    its state: both give the same `rprops`."""
    alone = fold_versions({}, [(1, _person(red=_PROTECTED))])
    changed = fold_versions({}, [(1, _person(red=_PROTECTED)), (1, NodeUpdated(node_id="p", kind="Person"))])
    assert alone[0].rprops == changed[0].rprops
    assert decode_peer_props(alone[0].rprops) == {"tags": {"red": {"is_protected": True}}}
    plain = fold_versions({}, [(1, _person())])
    assert plain[0].rprops is None and msgspec.to_builtins(plain[0])["rprops"] is None
