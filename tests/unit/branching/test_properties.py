"""Properties of diff and merge folding over drawn histories (house rule 20)."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from strata_branching import (
    ChangeFolder,
    ChangeSet,
    Keep,
    Touch,
    TouchedState,
    changes_between,
    detect_conflicts,
    fold_changes,
    merge_events,
    touched_ids,
)
from strata_branching._fields import properties_of, same
from strata_branching.paths import property_path, relationship_path
from strata_eventstore.records import StoredEvent
from strata_events import NodeCreated, NodeDeleted, NodeUpdated
from strata_graph.records import RecordState

from .world import IDS, bases, cardinality, draw_events, fold_states, shape, stored_run

common = settings(max_examples=80, deadline=None)
Fork = tuple[dict[str, RecordState | None], list[StoredEvent], list[StoredEvent]]


@st.composite
def forks(draw: st.DrawFn, disjoint: bool = False) -> Fork:
    """A fork point and the branch's and main's stored events since (main's on other objects
    when `disjoint`)."""
    base = draw(bases())
    branch_ids = IDS[:3] if disjoint else IDS
    main_ids = IDS[3:] if disjoint else IDS
    branch = stored_run(draw_events(draw, base, branch_ids), start=100, branch="b")
    main = stored_run(draw_events(draw, base, main_ids), start=100, branch="main")
    return base, branch, main


@common
@given(forks())
def test_one_pass_equals_event_by_event(fork: Fork) -> None:
    base, events, _ = fork
    together = fold_changes(base, events, cardinality=cardinality)
    folder = ChangeFolder(base, cardinality=cardinality)
    for e in events:
        folder.apply(e)
        folder.change_set()  # reading midway must not disturb the fold
    assert folder.change_set() == together
    expected = fold_states(base, events)
    for uid, obj in together.objects.items():
        assert shape(obj.after) == shape(expected[uid])
        assert shape(obj.before) == shape(base.get(uid))


NodeEvent = (NodeCreated, NodeUpdated, NodeDeleted)


def _undated(changes: ChangeSet) -> ChangeSet:
    """The change set without its touches (records date a change by object, events by field)."""
    objects = {
        uid: msgspec.structs.replace(
            obj, touches=(),
            attributes={n: msgspec.structs.replace(a, touches=()) for n, a in obj.attributes.items()},
            relationships={n: msgspec.structs.replace(r, touches=()) for n, r in obj.relationships.items()},
        )  # fmt: skip
        for uid, obj in changes.objects.items()
    }
    return ChangeSet(objects=objects)


@common
@given(forks())
def test_states_before_and_after_give_the_fold_of_the_events(fork: Fork) -> None:
    """Reading the folded records (fork state, state now) gives what folding the events gives."""
    base, events, _ = fork
    folded = fold_changes(base, events, cardinality=cardinality)
    final = fold_states(base, events)
    last = {e.event.node_id: Touch(e.seq, e.time) for e in events if isinstance(e.event, NodeEvent)}
    after = {uid: TouchedState(final[uid], last[uid]) for uid in touched_ids(events)}
    from_states = changes_between(base, after, cardinality=cardinality)
    assert _undated(from_states).objects == _undated(folded).objects
    for uid, obj in from_states.objects.items():
        assert obj.changed_at == folded.objects[uid].changed_at


@common
@given(forks())
def test_fields_reported_are_exactly_those_that_differ(fork: Fork) -> None:
    base, events, _ = fork
    changes = fold_changes(base, events, cardinality=cardinality)
    final = fold_states(base, events)
    for uid in touched_ids(events):
        before, after = shape(base.get(uid)), shape(final[uid])
        obj = changes.get(uid)
        if before is None and after is None:
            assert obj is None
            continue
        assert obj is not None
        assert (obj.action == "unchanged") == (before == after)
        if before is not None and after is not None:
            old, new = base[uid], final[uid]
            assert old is not None and new is not None
            differing = {
                n for n in set(old.attrs) | set(new.attrs)
                if not same(properties_of(old.attrs.get(n)), properties_of(new.attrs.get(n)))
            }  # fmt: skip
            assert set(obj.attributes) == differing
            for name, rel in obj.relationships.items():
                assert set(rel.added) == set(new.rels.get(name, [])) - set(old.rels.get(name, []))
                assert set(rel.removed) == set(old.rels.get(name, [])) - set(new.rels.get(name, []))


@common
@given(forks())
def test_merge_onto_unchanged_main_gives_the_branch_final_states(fork: Fork) -> None:
    base, events, _ = fork
    changes = fold_changes(base, events, cardinality=cardinality)
    merged = fold_states(base, stored_run(merge_events(changes, base), start=1000, branch="main"))
    branch_final = fold_states(base, events)
    for uid in changes.objects:
        assert shape(merged[uid]) == shape(branch_final[uid]), uid
    assert merge_events(changes, merged) == []


@common
@given(forks())
def test_no_conflicts_when_main_did_not_change(fork: Fork) -> None:
    base, events, _ = fork
    branch = fold_changes(base, events, cardinality=cardinality)
    assert detect_conflicts(branch, fold_changes(base, [], cardinality=cardinality)) == []


@common
@given(forks(disjoint=True))
def test_no_conflicts_when_main_changed_other_objects(fork: Fork) -> None:
    base, branch_events, main_events = fork
    branch = fold_changes(base, branch_events, cardinality=cardinality)
    main = fold_changes(base, main_events, cardinality=cardinality)
    assert detect_conflicts(branch, main) == []


@common
@given(forks())
def test_conflict_detection_is_symmetric(fork: Fork) -> None:
    base, branch_events, main_events = fork
    branch = fold_changes(base, branch_events, cardinality=cardinality)
    main = fold_changes(base, main_events, cardinality=cardinality)
    ours, theirs = detect_conflicts(branch, main), detect_conflicts(main, branch)
    assert [c.path for c in ours] == [c.path for c in theirs]
    assert [c.id for c in ours] == [c.id for c in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert same(a.branch_value, b.main_value) and same(a.main_value, b.branch_value)
        assert (a.branch_action, a.main_action) == (b.main_action, b.branch_action)


@common
@given(forks(), st.sampled_from(["branch", "main"]))
def test_merge_onto_changed_main_follows_the_choices(
    fork: Fork, keep: Keep
) -> None:
    """Every attribute property the branch changed ends with the branch's value, unless it was
    in conflict and main was kept; main's own changes elsewhere survive."""
    base, branch_events, main_events = fork
    branch = fold_changes(base, branch_events, cardinality=cardinality)
    main = fold_changes(base, main_events, cardinality=cardinality)
    conflicts = detect_conflicts(branch, main)
    choices: dict[str, Keep] = {c.id: keep for c in conflicts}
    main_now = fold_states(base, main_events)
    after = fold_states(main_now, stored_run(merge_events(branch, main_now, choices), start=1000, branch="main"))
    conflicted = {c.path for c in conflicts}
    node_conflicts = {c.node_id for c in conflicts if c.scope == "node"}
    for uid, obj in branch.objects.items():
        state = after.get(uid)
        if uid in node_conflicts:
            expected = obj.after if keep == "branch" else main_now.get(uid)
            assert (shape(state) is None) == (shape(expected) is None)
            continue
        if obj.action == "removed":
            assert shape(state) is None
            continue
        if obj.action == "unchanged" or state is None or state.deleted:
            continue
        for name, attr in obj.attributes.items():
            props = properties_of(state.attrs.get(name))
            assert props is not None
            for prop in attr.properties:
                if property_path(uid, name, prop.name) in conflicted and keep == "main":
                    continue
                assert same(props[prop.name], prop.new), (uid, name, prop)
        for name, rel in obj.relationships.items():
            peers = set(state.rels.get(name, []))
            if rel.cardinality == "one":
                if relationship_path(uid, name, one=True) in conflicted and keep == "main":
                    continue
                assert peers == set(rel.new_peers)
            else:
                assert set(rel.added) <= peers and not set(rel.removed) & peers

