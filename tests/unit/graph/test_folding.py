"""Folding node events into versioned records (pure)."""

from __future__ import annotations

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated
from strata_graph.folding import NodeEvent, apply_node_event, flatten_peers, flatten_values, fold_versions
from strata_graph.records import OPEN, RecordState, VersionRow


def _created(uid: str, name: str) -> NodeCreated:
    return NodeCreated(node_id=uid, kind="Tag", attributes={"name": AttributeValue(value=name)})


def test_events_of_one_mutation_make_one_version() -> None:
    rows = fold_versions(
        {"a": None},
        [
            (5, _created("a", "x")),
            (5, NodeUpdated(node_id="a", kind="Tag", attributes={"name": AttributeValue(value="y")})),
        ],
    )
    assert len(rows) == 1
    assert rows[0].from_seq == 5 and rows[0].to_seq == OPEN
    assert msgspec.json.decode(rows[0].attrs)["name"]["value"] == "y"
    assert rows[0].values == {"v_name": "y"}


def test_versions_chain_and_only_the_last_stays_open() -> None:
    rows = fold_versions(
        {},
        [
            (3, _created("a", "x")),
            (7, NodeUpdated(node_id="a", kind="Tag", relationships={"tags": ["b"]})),
            (9, NodeDeleted(node_id="a", kind="Tag")),
        ],
    )
    assert [(r.from_seq, r.to_seq, r.deleted) for r in rows] == [(3, 7, False), (7, 9, False), (9, OPEN, True)]
    assert msgspec.json.decode(rows[1].rels) == {"tags": ["b"]}
    assert msgspec.json.decode(rows[1].attrs)["name"]["value"] == "x"


def test_update_starts_from_the_current_record() -> None:
    current = {"a": RecordState(kind="Tag", attrs={"name": {"value": "x"}, "color": {"value": "red"}})}
    rows = fold_versions(current, [(4, NodeUpdated(node_id="a", kind="Tag", attributes={"color": AttributeValue(value="blue")}))])
    attrs = msgspec.json.decode(rows[0].attrs)
    assert attrs["name"]["value"] == "x" and attrs["color"]["value"] == "blue"


def test_structured_values_are_flattened_as_json_text() -> None:
    rows = fold_versions({}, [(1, NodeCreated(node_id="a", kind="K", attributes={"meta": AttributeValue(value={"r": 1})}))])
    assert rows[0].values == {"v_meta": '{"r":1}'}


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["create", "update", "delete"])), max_size=30))
def test_fold_equals_event_by_event_application(ops: list[tuple[str, str]]) -> None:
    """Folding many mutations at once gives the same final states as one at a time."""
    changes: list[tuple[int, NodeEvent]] = []
    for seq, (uid, op) in enumerate(ops, start=1):
        if op == "create":
            changes.append((seq, _created(uid, f"n{seq}")))
        elif op == "update":
            changes.append((seq, NodeUpdated(node_id=uid, kind="Tag", attributes={"s": AttributeValue(value=seq)})))
        else:
            changes.append((seq, NodeDeleted(node_id=uid, kind="Tag")))
    together = {r.uid: r for r in fold_versions({}, changes) if r.to_seq == OPEN}
    state: dict[str, RecordState | None] = {}
    one_by_one = {}
    for change in changes:
        for row in fold_versions(state, [change]):
            one_by_one[row.uid] = row
            state[row.uid] = RecordState(
                kind=row.kind, deleted=row.deleted,
                attrs=msgspec.json.decode(row.attrs), rels=msgspec.json.decode(row.rels),
            )  # fmt: skip
    assert {u: (r.attrs, r.deleted) for u, r in together.items()} == {
        u: (r.attrs, r.deleted) for u, r in one_by_one.items()
    }


def test_peer_deltas_add_once_and_remove() -> None:
    current = {"t": RecordState(kind="Tag", rels={"members": ["a", "b"]})}
    rows = fold_versions(current, [
        (2, NodeUpdated(node_id="t", kind="Tag", peers_added={"members": ["b", "c"]})),
        (3, NodeUpdated(node_id="t", kind="Tag", peers_removed={"members": ["a"]})),
    ])  # fmt: skip
    assert [msgspec.json.decode(r.rels) for r in rows] == [{"members": ["a", "b", "c"]}, {"members": ["b", "c"]}]
    assert rows[-1].values == {"r_members": ["b", "c"]}


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)
_ATTRIBUTES = st.dictionaries(st.sampled_from(["name", "mtu", "meta", "tags_text"]), st.builds(
    AttributeValue, value=_JSON_VALUES, is_default=st.booleans(), is_protected=st.booleans(),
    source=st.none() | st.sampled_from(["", "acct-1"]), owner=st.none() | st.sampled_from(["", "acct-2"]),
), max_size=4)  # fmt: skip
_RELATIONSHIPS = st.dictionaries(st.sampled_from(["device", "tags"]), st.lists(st.sampled_from(["p1", "p2", "p3"]), max_size=3), max_size=2)


@given(st.lists(st.tuples(_ATTRIBUTES, _RELATIONSHIPS), min_size=1, max_size=5))
def test_a_row_made_straight_from_a_creation_equals_the_one_made_through_its_state(
    created: list[tuple[dict[str, AttributeValue], dict[str, list[str]]]],
) -> None:
    """Objects created once and not changed again get their row from the event itself; it must
    be the row the general fold makes through `apply_node_event` (values as decoded from JSON)."""
    events = [NodeCreated(node_id=f"n{i}", kind="K", attributes=attrs, relationships=rels)
              for i, (attrs, rels) in enumerate(created)]  # fmt: skip
    rows = fold_versions({}, [(7, e) for e in events])
    expected = []
    for event in events:
        state = apply_node_event(None, event)
        expected.append(VersionRow(uid=event.node_id, kind="K", from_seq=7, to_seq=OPEN, deleted=False,
                                   attrs=msgspec.json.encode(state.attrs).decode(),
                                   rels=msgspec.json.encode(state.rels).decode(),
                                   values=flatten_values(state.attrs) | flatten_peers(state.rels)))  # fmt: skip
    assert rows == expected
