"""Merging a bulk document's back-references keeps the end state and the order that matters."""

from __future__ import annotations

from strata_api.bulk_events import merge_back_references
from strata_events import AttributeValue, NodeCreated, NodeUpdated, PeerProperties
from strata_graph.folding import apply_node_event
from strata_graph.records import RecordState
from strata_mutations import NodeEvent


def _fold(events: list[NodeEvent]) -> dict[str, RecordState | None]:
    states: dict[str, RecordState | None] = {}
    for event in events:
        states[event.node_id] = apply_node_event(states.get(event.node_id), event)
    return states


def _back(peer: str, rel: str, source: str) -> NodeUpdated:
    return NodeUpdated(node_id=peer, kind="Dev", peers_added={rel: [source]})


def test_back_references_become_one_update_per_peer_after_the_last_create() -> None:
    events: list[NodeEvent] = [NodeCreated(node_id="d", kind="Dev")]
    for port in ("e1", "e2", "e3"):
        events += [NodeCreated(node_id=port, kind="If", relationships={"device": ["d"]}), _back("d", "interfaces", port)]
    merged = merge_back_references(events)
    assert [e.node_id for e in merged] == ["d", "e1", "e2", "e3", "d"]
    assert merged[-1] == NodeUpdated(node_id="d", kind="Dev", peers_added={"interfaces": ["e1", "e2", "e3"]})
    assert _fold(merged) == _fold(events)


def test_a_peer_changed_otherwise_after_a_back_reference_is_left_alone() -> None:
    events: list[NodeEvent] = [
        NodeCreated(node_id="d", kind="Dev"), _back("d", "interfaces", "e1"),
        NodeUpdated(node_id="d", kind="Dev", attributes={"name": AttributeValue(value="x")}),
        _back("d", "interfaces", "e2"), _back("t", "tagged", "e1"), _back("t", "tagged", "e1"),
    ]  # fmt: skip
    merged = merge_back_references(events)
    assert merged[:4] == events[:4]
    assert merged[4:] == [NodeUpdated(node_id="t", kind="Dev", peers_added={"tagged": ["e1"]})]


def test_edge_properties_of_back_references_are_merged_with_them() -> None:
    protected = PeerProperties(is_protected=True)
    events: list[NodeEvent] = [NodeCreated(node_id="d", kind="Dev")]
    for port in ("e1", "e2"):
        events += [
            NodeCreated(node_id=port, kind="If", relationships={"device": ["d"]},
                        peer_properties={"device": {"d": protected}}),
            NodeUpdated(node_id="d", kind="Dev", peers_added={"interfaces": [port]},
                        peer_properties={"interfaces": {port: protected}}),
        ]  # fmt: skip
    merged = merge_back_references(events)
    assert merged[-1].peer_properties == {"interfaces": {"e1": protected, "e2": protected}}  # type: ignore[union-attr]
    assert _fold(merged) == _fold(events)
