"""A small world of tagged devices for branching tests, and Hypothesis histories over it.

Devices have attributes `name` and `role`, a cardinality-many relationship `tags` and a
cardinality-one relationship `site`. Histories are drawn step by step so that every event is
one a mutation could have written: objects are created once, and only live objects change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from strata_branching import Cardinality, ChangeSet
from strata_eventstore.records import StoredEvent, nanos
from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated
from strata_graph.folding import NodeEvent, apply_node_event
from strata_graph.records import RecordState

KIND = "InfraDevice"
IDS = tuple(f"d{i}" for i in range(6))
PEERS = ("p1", "p2", "p3", "p4")
ATTRS = ("name", "role")
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def cardinality(kind: str, name: str) -> Cardinality:
    return "one" if name == "site" else "many"


def stored(seq: int, event: NodeEvent, branch: str = "b") -> StoredEvent:
    return StoredEvent(seq=seq, subject=f"{branch}.{event.node_id}", event=event, stored_ns=nanos(EPOCH + timedelta(seconds=seq)))


def stored_run(events: Iterable[NodeEvent], start: int = 1, branch: str = "b") -> list[StoredEvent]:
    return [stored(seq, e, branch) for seq, e in enumerate(events, start=start)]


def created(uid: str, tags: list[str] | None = None, site: str | None = None, **attrs: Any) -> NodeCreated:
    return NodeCreated(
        node_id=uid,
        kind=KIND,
        attributes={k: AttributeValue(value=v) for k, v in attrs.items()},
        relationships={"tags": tags or [], "site": [site] if site else []},
    )


def updated(uid: str, **kwargs: Any) -> NodeUpdated:
    return NodeUpdated(node_id=uid, kind=KIND, **kwargs)


def deleted(uid: str) -> NodeDeleted:
    return NodeDeleted(node_id=uid, kind=KIND)


def fold_states(base: Mapping[str, RecordState | None], events: Iterable[StoredEvent]) -> dict[str, RecordState | None]:
    """States after applying `events` one by one with the projector's fold."""
    states = dict(base)
    for e in events:
        assert isinstance(e.event, NodeCreated | NodeUpdated | NodeDeleted)
        states[e.event.node_id] = apply_node_event(states.get(e.event.node_id), e.event)
    return states


def live(state: RecordState | None) -> bool:
    return state is not None and not state.deleted


def shape(state: RecordState | None) -> tuple[Any, ...] | None:
    """A state as comparable content: attributes as stored, relationships as sets."""
    if not live(state):
        return None
    assert state is not None
    return (
        state.kind,
        sorted(state.attrs.items()),
        sorted((k, frozenset(v)) for k, v in state.rels.items() if v),
    )


def final_states(changes: ChangeSet) -> dict[str, RecordState | None]:
    return {uid: obj.after for uid, obj in changes.objects.items()}


# -- Hypothesis ---------------------------------------------------------------------------------

values = st.one_of(st.none(), st.integers(-3, 3), st.booleans(), st.sampled_from(["a", "b", ""]), st.just([1, 2]))
attribute_values = st.builds(
    AttributeValue,
    value=values,
    is_protected=st.booleans(),
    is_visible=st.booleans(),
    source=st.sampled_from([None, "s1", "s2"]),
    owner=st.sampled_from([None, "o1"]),
)
peer_sets = st.lists(st.sampled_from(PEERS), unique=True, max_size=3)
sites = st.lists(st.sampled_from(PEERS), max_size=1)


def _creation(draw: st.DrawFn, uid: str) -> NodeCreated:
    attrs = draw(st.dictionaries(st.sampled_from(ATTRS), attribute_values))
    return NodeCreated(
        node_id=uid, kind=KIND, attributes=attrs, relationships={"tags": draw(peer_sets), "site": draw(sites)}
    )


def _update(draw: st.DrawFn, uid: str) -> NodeUpdated:
    rels: dict[str, list[str]] = {}
    if draw(st.booleans()):
        rels["site"] = draw(sites)
    if draw(st.booleans()):
        rels["tags"] = draw(peer_sets)
    return NodeUpdated(
        node_id=uid,
        kind=KIND,
        attributes=draw(st.dictionaries(st.sampled_from(ATTRS), attribute_values, max_size=2)),
        relationships=rels,
        peers_added=draw(st.dictionaries(st.just("tags"), peer_sets, max_size=1)),
        peers_removed=draw(st.dictionaries(st.just("tags"), peer_sets, max_size=1)),
    )


def draw_events(
    draw: st.DrawFn, states: Mapping[str, RecordState | None], ids: tuple[str, ...] = IDS, max_size: int = 12
) -> list[NodeEvent]:
    """A plausible run of node events on top of `states`, over the objects `ids`."""
    current = dict(states)
    events: list[NodeEvent] = []
    for _ in range(draw(st.integers(0, max_size))):
        uid = draw(st.sampled_from(ids))
        state = current.get(uid)
        if state is None:
            event: NodeEvent = _creation(draw, uid)
        elif state.deleted:
            continue
        elif draw(st.integers(0, 4)) == 0:
            event = deleted(uid)
        else:
            event = _update(draw, uid)
        current[uid] = apply_node_event(state, event)
        events.append(event)
    return events


@st.composite
def bases(draw: st.DrawFn) -> dict[str, RecordState | None]:
    """States at the fork: some devices live, some deleted, some never created."""
    return fold_states({}, stored_run(draw_events(draw, {}, max_size=10)))
