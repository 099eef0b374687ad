"""InFlightWrites: the events between the read model and a head, only when this process
appended every mutation in between."""

from __future__ import annotations

from strata_api.in_flight import InFlightWrites
from strata_events import NodeCreated, NodeDeleted


def _created(uid: str) -> NodeCreated:
    return NodeCreated(node_id=uid, kind="TestingPerson")


def test_the_events_up_to_the_head_in_order_when_all_are_ours() -> None:
    writes = InFlightWrites()
    writes.add("main", 11, 12, [_created("a")])  # one event and its head message
    writes.add("main", 13, 15, [_created("b"), NodeDeleted(node_id="a", kind="TestingPerson")])
    assert [e.node_id for e in writes.covering("main", 10, 15) or []] == ["a", "b", "a"]
    assert [e.node_id for e in writes.covering("main", 10, 12) or []] == ["a"]
    assert writes.covering("main", 15, 15) == []  # the read model holds the head: nothing to lay over


def test_a_mutation_not_ours_in_between_means_waiting() -> None:
    writes = InFlightWrites()
    writes.add("main", 11, 12, [_created("a")])
    writes.add("main", 15, 16, [_created("b")])  # 13-14: another process's mutation
    assert writes.covering("main", 10, 16) is None
    assert writes.covering("main", 8, 12) is None  # 9-10 not ours either
    assert writes.covering("main", 10, 14) is None  # a head inside a gap
    assert writes.covering("other", 10, 12) is None  # nothing recorded on that branch


def test_what_the_read_model_holds_is_forgotten() -> None:
    writes = InFlightWrites()
    writes.add("main", 11, 12, [_created("a")])
    writes.add("main", 13, 14, [_created("b")])
    assert [e.node_id for e in writes.covering("main", 12, 14) or []] == ["b"]
    assert len(writes) == 1
    writes.settle("main", 14)
    assert len(writes) == 0
