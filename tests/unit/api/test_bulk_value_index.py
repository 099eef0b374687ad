"""The index of a bulk document's objects, followed event by event, always equals an index
built afresh from the objects' latest states."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from strata_api.bulk_value_index import PendingValueIndex, ValueKey, value_key
from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated
from strata_graph.folding import NodeEvent, apply_node_event
from strata_graph.records import RecordState
from strata_mutations import NodeRecord

UIDS = ["a", "b", "c", "d"]
_values = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["x", "y"]))
_names = st.sampled_from(["name", "role"])
_peers = st.lists(st.sampled_from(["p1", "p2", "p3", "a", "b"]), max_size=3, unique=True)


@st.composite
def _event(draw: st.DrawFn) -> NodeEvent:
    uid = draw(st.sampled_from(UIDS))
    which = draw(st.sampled_from(["create", "update", "update", "update", "delete"]))
    if which == "create":
        return NodeCreated(node_id=uid, kind="K", attributes={n: AttributeValue(value=draw(_values))
                                                              for n in draw(st.lists(_names, unique=True))},
                           relationships={"tags": draw(_peers)})  # fmt: skip
    if which == "delete":
        return NodeDeleted(node_id=uid, kind="K")
    return NodeUpdated(
        node_id=uid, kind="K",
        attributes={n: AttributeValue(value=draw(_values)) for n in draw(st.lists(_names, unique=True))},
        relationships={"site": draw(_peers)} if draw(st.booleans()) and draw(st.booleans()) else {},
        peers_added={"tags": draw(_peers)} if draw(st.booleans()) else {},
        peers_removed={"tags": draw(_peers)} if draw(st.booleans()) else {},
    )  # fmt: skip


def _snapshot(index: PendingValueIndex) -> dict[ValueKey, set[str]]:
    """Who holds each key the events can produce."""
    keys: list[ValueKey] = [(n, value_key(v)) for n in ("name", "role") for v in (None, 0, 1, 2, 3, "x", "y")]
    keys += [(r, p) for r in ("tags", "site") for p in ("p1", "p2", "p3", "a", "b")]
    return {key: set(index.holders(key)) for key in keys if index.holders(key)}


_FIELDS = ("name", "role", "tags", "site")


def _ask_all(index: PendingValueIndex, pending: dict[str, NodeRecord]) -> None:
    """A lookup naming every field: each is indexed from then on."""
    for field in _FIELDS:
        index.candidates(pending, {field: "x"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(_event(), min_size=1, max_size=3), st.lists(st.sampled_from(_FIELDS))),
                max_size=12))  # fmt: skip
def test_following_events_equals_indexing_afresh(batches: list[tuple[list[NodeEvent], list[str]]]) -> None:
    """Each field is indexed from the first lookup naming it (at any point), then followed."""
    followed = PendingValueIndex()
    pending: dict[str, NodeRecord] = {}
    for batch, asked in batches:
        for event in batch:  # as `lay_over` folds a decision's events
            before = pending.get(event.node_id)
            state = apply_node_event(RecordState(kind=before.kind, attrs=before.attrs, rels=before.rels)
                                     if before else None, event)  # fmt: skip
            pending[event.node_id] = NodeRecord(uid=event.node_id, kind=state.kind, attrs=state.attrs, rels=state.rels)
        followed.update(batch, pending)
        for field in asked:
            followed.candidates(pending, {field: "x"})
    _ask_all(followed, pending)
    afresh = PendingValueIndex()
    _ask_all(afresh, pending)
    afresh.update([NodeCreated(node_id=uid, kind="K") for uid in pending], pending)
    assert _snapshot(followed) == _snapshot(afresh)


def test_a_field_no_lookup_named_is_not_indexed() -> None:
    pending = {"d": NodeRecord(uid="d", kind="K", attrs={"name": {"value": "x"}}, rels={"tags": ["p1"]})}
    index = PendingValueIndex()
    index.update([NodeCreated(node_id="d", kind="K")], pending)
    assert not index.holders(("tags", "p1")) and not index.holders(("name", value_key("x")))
    assert index.candidates(pending, {"tags": "p1"}) == [pending["d"]]
    assert index.holders(("tags", "p1")) == {"d"} and not index.holders(("name", value_key("x")))
