"""Event encoding and upcasting: round trips, old payloads, refusals."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strata_events import (
    AttributeValue,
    BranchCreated,
    DecodeError,
    NodeCreated,
    NodeUpdated,
    decode_event,
    encode_event,
)
from strata_events.upcasting import UpcastError, upcast

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.text(max_size=20))
attribute_values = st.builds(
    AttributeValue,
    value=st.one_of(scalars, st.lists(scalars, max_size=3)),
    is_protected=st.booleans(),
    source=st.one_of(st.none(), st.text(max_size=8)),
)
names = st.text(alphabet="abcdefghij_", min_size=1, max_size=10)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    node_id=st.uuids().map(lambda u: u.hex),
    kind=names,
    attributes=st.dictionaries(names, attribute_values, max_size=5),
    relationships=st.dictionaries(names, st.lists(st.uuids().map(lambda u: u.hex), max_size=3), max_size=3),
)
def test_node_events_round_trip(
    node_id: str, kind: str, attributes: dict[str, AttributeValue], relationships: dict[str, list[str]]
) -> None:
    for event in (
        NodeCreated(node_id=node_id, kind=kind, attributes=attributes, relationships=relationships),
        NodeUpdated(node_id=node_id, kind=kind, attributes=attributes, relationships=relationships),
    ):
        data = encode_event(event)
        assert decode_event(data) == event  # generic (upcasting) path
        assert decode_event(data, tag=msgspec.json.decode(data)["type"], version=1) == event  # fast path


def test_unknown_fields_in_stored_events_are_ignored() -> None:
    data = b'{"type":"branch.deleted","v":1,"branch_id":"b1","name":"x","added_later":true}'
    event = decode_event(data)
    assert event.branch_id == "b1"  # type: ignore[union-attr]  # narrowed by the assert below
    assert type(event).__name__ == "BranchDeleted"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "JSON"),
        (b'{"type":"node.exploded","v":1}', "unknown event type"),
        (b'{"type":"node.created","v":9,"node_id":"a","kind":"K"}', "newer than this reader"),
        (b'{"type":"node.created","v":1,"kind":"K"}', "node_id"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_event(payload)
    assert reason in info.value.reason


def test_upcasting_walks_the_table_one_version_at_a_time() -> None:
    # A table of the shape the code keeps, exercised with a saved v1 payload of a test type.
    saved_v1 = {"type": "thing.moved", "v": 1, "from": "a", "to": "b"}
    table = {
        ("thing.moved", 1): lambda p: {**{k: v for k, v in p.items() if k not in ("from", "to")},
                                       "path": [p["from"], p["to"]], "v": 2},
        ("thing.moved", 2): lambda p: {**p, "hops": len(p["path"]) - 1, "v": 3},
    }  # fmt: skip
    lifted = upcast(saved_v1, table=table, versions={"thing.moved": 3})
    assert lifted == {"type": "thing.moved", "v": 3, "path": ["a", "b"], "hops": 1}
    with pytest.raises(UpcastError, match="no upcaster from version 1"):
        upcast(saved_v1, table={}, versions={"thing.moved": 2})


def test_branch_created_keeps_its_fork_point() -> None:
    event = BranchCreated(branch_id="b1", name="feature/x", origin="main", fork_seq=42)
    assert decode_event(encode_event(event)) == event
