"""Conflicts: the same field changed on the branch and on main since the fork, to different ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from strata_events.peer_properties import edge_values

from ._fields import property_action, same
from .changes import Action, AttributeChange, ChangeSet, ObjectChange, RelationshipChange
from .paths import conflict_id, edge_property_path, node_path, property_path, relationship_path

__all__ = ["Conflict", "ConflictScope", "detect_conflicts", "peer_action", "single_peer"]

ConflictScope = Literal["node", "attribute", "relationship", "edge"]


class Conflict(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One field (or a whole object) both sides changed. `id` is derived from `path` only.

    Values are each side's end value: an attribute property's value, a cardinality-one peer id,
    an edge property's value (`scope` "edge": `peer` names the edge), or None for an object-level
    conflict (one side removed the object, the other changed it).
    """

    id: str
    path: str
    scope: ConflictScope
    node_id: str
    kind: str
    field: str | None = None
    prop: str | None = None  # "value", "is_protected", ..., or "peer"
    peer: str | None = None  # the edge's peer, for an edge property
    branch_action: Action
    branch_value: Any = None
    branch_changed_at: datetime | None = None
    main_action: Action
    main_value: Any = None
    main_changed_at: datetime | None = None


def detect_conflicts(branch: ChangeSet, main: ChangeSet) -> list[Conflict]:
    """Conflicts between two change sets folded from the same fork point, ordered by path.

    Relationships of cardinality many never conflict: both sides' net changes are set deltas
    from the same start, so they compose. A relationship is taken as cardinality one when
    either side's schema says so.
    """
    found: list[Conflict] = []
    for uid, ours in branch.objects.items():
        theirs = main.objects.get(uid)
        if theirs is None or "unchanged" in (ours.action, theirs.action):
            continue
        if (ours.action == "removed") != (theirs.action == "removed"):
            found.append(_node_conflict(ours, theirs))
        elif ours.action != "removed":
            found.extend(_attribute_conflicts(ours, theirs))
            found.extend(_relationship_conflicts(ours, theirs))
            found.extend(_edge_conflicts(ours, theirs))
    return sorted(found, key=lambda c: c.path)


def _node_conflict(ours: ObjectChange, theirs: ObjectChange) -> Conflict:
    path = node_path(ours.node_id)
    return Conflict(
        id=conflict_id(path),
        path=path,
        scope="node",
        node_id=ours.node_id,
        kind=ours.kind,
        branch_action=ours.action,
        branch_changed_at=ours.changed_at,
        main_action=theirs.action,
        main_changed_at=theirs.changed_at,
    )


def _attribute_conflicts(ours: ObjectChange, theirs: ObjectChange) -> list[Conflict]:
    found: list[Conflict] = []
    for name, attr in ours.attributes.items():
        other = theirs.attributes.get(name)
        if other is None:
            continue
        for prop in attr.properties:
            counterpart = other.prop(prop.name)
            if counterpart is None or same(prop.new, counterpart.new):
                continue
            path = property_path(ours.node_id, name, prop.name)
            found.append(
                Conflict(
                    id=conflict_id(path),
                    path=path,
                    scope="attribute",
                    node_id=ours.node_id,
                    kind=ours.kind,
                    field=name,
                    prop=prop.name,
                    branch_action=prop.action,
                    branch_value=prop.new,
                    branch_changed_at=_last_time(attr),
                    main_action=counterpart.action,
                    main_value=counterpart.new,
                    main_changed_at=_last_time(other),
                )
            )
    return found


def _edge_conflicts(ours: ObjectChange, theirs: ObjectChange) -> list[Conflict]:
    """The properties of one edge both sides changed, to different values, the edge kept by both."""
    found: list[Conflict] = []
    for name, rel in ours.relationships.items():
        other = theirs.relationships.get(name)
        if other is None or not rel.props_changed or not other.props_changed:
            continue
        one = "one" in (rel.cardinality, other.cardinality)
        for peer in set(rel.props_changed) & set(other.props_changed):
            before = edge_values(rel.old_props.get(peer))
            ours_now, theirs_now = edge_values(rel.new_props.get(peer)), edge_values(other.new_props.get(peer))
            for prop, value in ours_now.items():
                mine, main_value = value != before[prop], theirs_now[prop] != before[prop]
                if not (mine and main_value) or same(value, theirs_now[prop]):
                    continue
                path = edge_property_path(ours.node_id, name, peer, prop, one=one)
                found.append(Conflict(
                    id=conflict_id(path), path=path, scope="edge", node_id=ours.node_id, kind=ours.kind, field=name,
                    prop=prop, peer=peer, branch_action=property_action(before[prop], value), branch_value=value,
                    branch_changed_at=_last_time(rel), main_action=property_action(before[prop], theirs_now[prop]),
                    main_value=theirs_now[prop], main_changed_at=_last_time(other),
                ))  # fmt: skip
    return found


def _relationship_conflicts(ours: ObjectChange, theirs: ObjectChange) -> list[Conflict]:
    found: list[Conflict] = []
    for name, rel in ours.relationships.items():
        other = theirs.relationships.get(name)
        if other is None or "one" not in (rel.cardinality, other.cardinality):
            continue
        if set(rel.new_peers) == set(other.new_peers):
            continue
        path = relationship_path(ours.node_id, name, one=True)
        found.append(
            Conflict(
                id=conflict_id(path),
                path=path,
                scope="relationship",
                node_id=ours.node_id,
                kind=ours.kind,
                field=name,
                prop="peer",
                branch_action=peer_action(rel),
                branch_value=single_peer(rel.new_peers),
                branch_changed_at=_last_time(rel),
                main_action=peer_action(other),
                main_value=single_peer(other.new_peers),
                main_changed_at=_last_time(other),
            )
        )
    return found


def peer_action(rel: RelationshipChange) -> Action:
    """A cardinality-one relationship's change seen as one value changing."""
    return property_action(single_peer(rel.old_peers), single_peer(rel.new_peers))


def single_peer(peers: tuple[str, ...]) -> str | None:
    """The peer of a cardinality-one relationship (the latest, should a list hold several)."""
    return peers[-1] if peers else None


def _last_time(change: AttributeChange | RelationshipChange) -> datetime | None:
    return change.touches[-1].time if change.touches else None
