"""The node events that bring a branch's net changes onto main's current state (pure).

Every event is computed against main as it is now, so changes already on main produce nothing
and re-merging is a no-op. Attributes merge property by property and relationships of
cardinality many peer by peer, so what main changed in other properties or other peers stays.
A field with no choice takes the branch's value: callers refuse to merge while conflicts are open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from strata_events import AttributeValue, NodeCreated, NodeDeleted, NodeUpdated, PeerProperties
from strata_events.peer_properties import edge_values
from strata_graph.folding import NodeEvent
from strata_graph.records import RecordState

from ._fields import exists, ordered_difference, properties_of, same, to_attribute_value
from .changes import AttributeChange, ChangeSet, ObjectChange, RelationshipChange
from .paths import conflict_id, edge_property_path, node_path, property_path, relationship_path
from .resolutions import Choices

__all__ = ["merge_events"]

_NO_CHOICES: Choices = {}


def merge_events(
    branch: ChangeSet,
    main_state: Mapping[str, RecordState | None],
    choices: Choices | None = None,
) -> list[NodeEvent]:
    """Events to append on main; `main_state` holds main's current state of the objects
    `branch` names (absent or None: not on main)."""
    picks = choices or _NO_CHOICES
    events: list[NodeEvent] = []
    for uid, change in branch.objects.items():
        current = main_state.get(uid)
        keep_main = _choice(picks, node_path(uid)) == "main"
        if change.action == "unchanged":
            continue
        if change.action == "removed":
            if exists(current) and not keep_main:
                assert current is not None
                events.append(NodeDeleted(node_id=uid, kind=current.kind))
            continue
        if not exists(current):
            # Absent on main: new, or removed there while the branch changed it (kept unless
            # the conflict was resolved for main).
            if not keep_main and change.after is not None:
                events.append(_creation(uid, change.after))
            continue
        assert current is not None
        update = _update(change, current, picks)
        if update is not None:
            events.append(update)
    return events


def _choice(picks: Choices, path: str) -> str | None:
    """The side chosen for the conflict at `path`; no id worked out when nothing was chosen."""
    return picks.get(conflict_id(path)) if picks else None


def _creation(uid: str, after: RecordState) -> NodeCreated:
    return NodeCreated(
        node_id=uid,
        kind=after.kind,
        attributes={name: to_attribute_value(raw) for name, raw in after.attrs.items()},
        relationships={name: list(peers) for name, peers in after.rels.items()},
        peer_properties={name: {peer: _edge(props) for peer, props in edges.items()}
                         for name, edges in after.peer_props.items()},
    )


def _edge(props: Mapping[str, object] | None) -> PeerProperties:
    """Every property of an edge as the branch has it (the defaults for those it leaves unset),
    so that main's edge ends the same."""
    full = edge_values(props)
    return PeerProperties(is_protected=bool(full["is_protected"]), is_visible=bool(full["is_visible"]),
                          source=full["source"] if isinstance(full["source"], str) else None,
                          owner=full["owner"] if isinstance(full["owner"], str) else None)  # fmt: skip


def _update(change: ObjectChange, current: RecordState, picks: Choices) -> NodeUpdated | None:
    attributes: dict[str, AttributeValue] = {}
    for name, attr in change.attributes.items():
        value = _merged_attribute(change.node_id, attr, current, picks)
        if value is not None:
            attributes[name] = value
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    edges: dict[str, dict[str, PeerProperties]] = {}
    for name, rel in change.relationships.items():
        have = current.rels.get(name, [])
        target = _merged_peers(change.node_id, rel, have, picks)
        if target is None:
            target = have
        gained, lost = ordered_difference(target, have), ordered_difference(have, target)
        if gained:
            added[name] = list(gained)
        if lost:
            removed[name] = list(lost)
        if set_here := _merged_edges(change.node_id, rel, target, current.peer_props.get(name, {}), picks):
            edges[name] = set_here
    if not (attributes or added or removed or edges):
        return None
    return NodeUpdated(
        node_id=change.node_id,
        kind=current.kind,
        attributes=attributes,
        peers_added=added,
        peers_removed=removed,
        peer_properties=edges,
    )


def _merged_edges(
    uid: str, rel: RelationshipChange, target: Sequence[str], main_edges: Mapping[str, Mapping[str, object]],
    picks: Choices,
) -> dict[str, PeerProperties]:
    """The edge properties the branch set on peers main ends with (peers it added, or whose
    edges it changed), where main's edges differ; a property whose conflict was resolved for
    main keeps main's value."""
    changed = set(rel.added) | set(rel.props_changed)
    out: dict[str, PeerProperties] = {}
    for peer in target:
        if peer not in changed:
            continue
        have, wanted = edge_values(main_edges.get(peer)), edge_values(rel.new_props.get(peer))
        for prop in wanted:
            path = edge_property_path(uid, rel.name, peer, prop, one=rel.cardinality == "one")
            if _choice(picks, path) == "main":
                wanted[prop] = have[prop]
        if wanted != have:
            out[peer] = _edge(wanted)
    return out


def _merged_attribute(uid: str, attr: AttributeChange, current: RecordState, picks: Choices) -> AttributeValue | None:
    """Main's attribute with the branch's changed properties laid over it; None if that is
    what main already holds. An attribute the branch no longer has cannot be unset by an
    event, so it is left alone."""
    if attr.new is None:
        return None
    have = properties_of(current.attrs.get(attr.name))
    target = dict(have) if have is not None else properties_of({})
    assert target is not None
    for prop in attr.properties:
        if _choice(picks, property_path(uid, attr.name, prop.name)) != "main":
            target[prop.name] = prop.new
    if have is not None and same(target, have):
        return None
    return to_attribute_value(target)


def _merged_peers(uid: str, rel: RelationshipChange, have: list[str], picks: Choices) -> list[str] | None:
    """The peers main should end with; None to leave the relationship as main has it."""
    choice = _choice(picks, relationship_path(uid, rel.name, one=True))
    if choice == "main":
        return None
    if rel.cardinality == "one" or choice == "branch":
        return list(ordered_difference(rel.new_peers, ()))
    gone = set(rel.removed)
    kept = [p for p in have if p not in gone]
    return kept + list(ordered_difference(rel.added, kept))
