"""A branch's change set as Infrahub 1.x's `DiffTree` / `DiffTreeSummary` GraphQL results.

Plain dicts with every field of the SDL types (`libs/strata_graphql/sdl/static/2_branches.graphql`):
enum values as their GraphQL names, times as ISO 8601 text, property values as text.
Counts follow Infrahub: a node counts its fields by status, a field its properties or elements.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import msgspec

from strata_core.gc_pause import gc_paused
from strata_events.peer_properties import EDGE_DEFAULTS, edge_values

from ._fields import property_action
from .changes import Action, AttributeChange, ChangeSet, ObjectChange, RelationshipChange
from .conflicts import Conflict, peer_action, single_peer
from .paths import (
    EDGE_TYPES,
    attribute_path,
    edge_property_path,
    element_path,
    node_path,
    property_path,
    relationship_path,
)
from .resolutions import Choices

__all__ = ["diff_tree", "diff_tree_summary"]

_STATUS: Final[Mapping[Action, str]] = {
    "added": "ADDED",
    "updated": "UPDATED",
    "removed": "REMOVED",
    "unchanged": "UNCHANGED",
}
_SELECTED: Final = {"branch": "DIFF_BRANCH", "main": "BASE_BRANCH"}
_json = msgspec.json.Encoder()


class _Context:
    """What every level of the tree needs to see."""

    def __init__(
        self,
        conflicts: Iterable[Conflict],
        choices: Choices,
        node_labels: Mapping[str, str],
        schema_labels: Mapping[tuple[str, str], str],
        to_time: datetime,
    ) -> None:
        self.conflicts = {c.path: c for c in conflicts}
        self.choices = choices
        self.node_labels = node_labels
        self.schema_labels = schema_labels
        self.to_time = to_time


def diff_tree(
    branch_name: str,
    branch: ChangeSet,
    conflicts: Iterable[Conflict],
    *,
    from_time: datetime,
    to_time: datetime,
    base_branch: str = "main",
    name: str | None = None,
    choices: Choices | None = None,
    node_labels: Mapping[str, str] | None = None,
    schema_labels: Mapping[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    """The `DiffTree` result. `conflicts` should hold resolved ones too: `choices` fills their
    `selected_branch`. `node_labels` maps object ids to display labels (nodes and peers);
    `schema_labels` maps `(kind, relationship name)` to the relationship's label."""
    ctx = _Context(conflicts, choices or {}, node_labels or {}, schema_labels or {}, to_time)
    with gc_paused():  # thousands of small dicts, no cycles
        nodes = [_node(obj, ctx) for obj in branch.changed()]
    return {
        "base_branch": base_branch,
        "diff_branch": branch_name,
        "from_time": from_time.isoformat(),
        "to_time": to_time.isoformat(),
        "name": name,
        "num_untracked_base_changes": None,
        "num_untracked_diff_changes": None,
        **_counts(n["status"] for n in nodes),
        "num_conflicts": sum(1 for n in nodes if n["contains_conflict"]),
        "nodes": nodes,
    }


def diff_tree_summary(
    branch_name: str,
    branch: ChangeSet,
    conflicts: Iterable[Conflict],
    *,
    from_time: datetime,
    to_time: datetime,
    base_branch: str = "main",
) -> dict[str, Any]:
    """The `DiffTreeSummary` result: the tree's root counts, plus the objects touched but unchanged."""
    statuses = [_STATUS[o.action] for o in branch.objects.values()]
    conflicted = {c.node_id for c in conflicts}
    return {
        "base_branch": base_branch,
        "diff_branch": branch_name,
        "from_time": from_time.isoformat(),
        "to_time": to_time.isoformat(),
        "num_untracked_base_changes": None,
        "num_untracked_diff_changes": None,
        **_counts(statuses),
        "num_unchanged": statuses.count("UNCHANGED"),
        "num_conflicts": sum(1 for o in branch.changed() if o.node_id in conflicted),
    }


def _node(obj: ObjectChange, ctx: _Context) -> dict[str, Any]:
    attributes = [_attribute(obj, attr, ctx) for attr in obj.attributes.values()]
    relationships = [_relationship(obj, rel, ctx) for rel in obj.relationships.values()]
    fields = attributes + relationships
    conflict = _conflict(ctx.conflicts.get(node_path(obj.node_id)), ctx)
    return {
        "uuid": obj.node_id,
        "kind": obj.kind,
        "label": ctx.node_labels.get(obj.node_id) or f"{obj.kind}(ID: {obj.node_id})",
        "status": _STATUS[obj.action],
        "path_identifier": node_path(obj.node_id),
        "conflict": conflict,
        "contains_conflict": conflict is not None or any(f["contains_conflict"] for f in fields),
        "last_changed_at": _iso(obj.changed_at),
        "parent": None,
        "attributes": attributes,
        "relationships": relationships,
        **_counts(f["status"] for f in fields),
        "num_conflicts": sum(1 for f in fields if f["contains_conflict"]),
    }


def _attribute(obj: ObjectChange, attr: AttributeChange, ctx: _Context) -> dict[str, Any]:
    changed_at = _iso(attr.touches[-1].time if attr.touches else obj.changed_at) or ctx.to_time.isoformat()
    properties: list[dict[str, Any]] = []
    value_conflict: dict[str, Any] | None = None
    num_conflicts = 0
    for prop in attr.properties:
        path = property_path(obj.node_id, attr.name, prop.name)
        conflict = _conflict(ctx.conflicts.get(path), ctx)
        num_conflicts += conflict is not None
        if prop.name == "value":
            # Infrahub reports the value's conflict on the attribute itself.
            value_conflict, conflict = conflict, None
        properties.append(
            {
                "property_type": EDGE_TYPES[prop.name],
                "last_changed_at": changed_at,
                "previous_value": _text(prop.old),
                "new_value": _text(prop.new),
                "previous_label": None,
                "new_label": None,
                "status": _STATUS[prop.action],
                "path_identifier": path,
                "conflict": conflict,
            }
        )
    return {
        "name": attr.name,
        "last_changed_at": changed_at,
        "status": _STATUS[attr.action],
        "path_identifier": attribute_path(obj.node_id, attr.name),
        "properties": properties,
        "contains_conflict": num_conflicts > 0,
        "conflict": value_conflict,
        **_counts(p["status"] for p in properties),
        "num_conflicts": num_conflicts,
    }


def _relationship(obj: ObjectChange, rel: RelationshipChange, ctx: _Context) -> dict[str, Any]:
    one = rel.cardinality == "one"
    changed_at = _iso(rel.touches[-1].time if rel.touches else obj.changed_at) or ctx.to_time.isoformat()
    if one:
        old, new = single_peer(rel.old_peers), single_peer(rel.new_peers)
        peer = new or old or ""
        conflict = _conflict(ctx.conflicts.get(relationship_path(obj.node_id, rel.name, one=True)), ctx)
        elements = [_element(obj, rel, peer, peer_action(rel), old, new, conflict, changed_at, ctx)]
    else:
        elements = [_element(obj, rel, p, "added", None, p, None, changed_at, ctx) for p in rel.added]
        elements += [_element(obj, rel, p, "removed", p, None, None, changed_at, ctx) for p in rel.removed]
        elements += [_element(obj, rel, p, "updated", p, p, None, changed_at, ctx) for p in rel.props_changed]
    return {
        "name": rel.name,
        "label": ctx.schema_labels.get((obj.kind, rel.name)),
        "last_changed_at": changed_at,
        "cardinality": "ONE" if one else "MANY",
        "status": _STATUS[rel.action],
        "path_identifier": relationship_path(obj.node_id, rel.name, one=one),
        "elements": elements,
        "contains_conflict": any(e["contains_conflict"] for e in elements),
        **_counts(e["status"] for e in elements),
        "num_conflicts": sum(e["num_conflicts"] for e in elements),
    }


def _element(
    obj: ObjectChange,
    rel: RelationshipChange,
    peer: str,
    action: Action,
    old: str | None,
    new: str | None,
    conflict: dict[str, Any] | None,
    changed_at: str,
    ctx: _Context,
) -> dict[str, Any]:
    path = element_path(obj.node_id, rel.name, peer, one=rel.cardinality == "one")
    properties = [] if old == new else [_related(old, new, action, path, changed_at, ctx)]
    properties += _edge_properties(obj, rel, old, new, changed_at, ctx)
    edge_conflicts = sum(1 for p in properties if p["conflict"] is not None)
    return {
        "status": _STATUS[action],
        "peer_id": peer,
        "peer_label": ctx.node_labels.get(peer),
        "last_changed_at": changed_at,
        "path_identifier": path,
        "contains_conflict": conflict is not None or edge_conflicts > 0,
        "conflict": conflict,
        "properties": properties,
        **_counts(p["status"] for p in properties),
        "num_conflicts": int(conflict is not None) + edge_conflicts,
    }


def _related(old: str | None, new: str | None, action: Action, path: str, changed_at: str, ctx: _Context) -> dict[str, Any]:
    """An element's `IS_RELATED` property: the peer itself."""
    return {
        "property_type": EDGE_TYPES["peer"],
        "last_changed_at": changed_at,
        "previous_value": old,
        "new_value": new,
        "previous_label": ctx.node_labels.get(old) if old else None,
        "new_label": ctx.node_labels.get(new) if new else None,
        "status": _STATUS[action],
        "path_identifier": path,
        "conflict": None,
    }


def _edge_properties(
    obj: ObjectChange, rel: RelationshipChange, old: str | None, new: str | None, changed_at: str, ctx: _Context
) -> list[dict[str, Any]]:
    """An element's edge properties that differ between the fork and now (a new edge's, or a
    gone edge's, against the defaults), each with its conflict if main changed it too."""
    before = edge_values(rel.old_props.get(old)) if old else dict(EDGE_DEFAULTS)
    after = edge_values(rel.new_props.get(new)) if new else dict(EDGE_DEFAULTS)
    peer = new or old or ""
    out = []
    for name in EDGE_DEFAULTS:
        if before[name] == after[name]:
            continue
        action = property_action(before[name], after[name])
        path = edge_property_path(obj.node_id, rel.name, peer, name, one=rel.cardinality == "one")
        out.append({
            "property_type": EDGE_TYPES[name], "last_changed_at": changed_at,
            "previous_value": _text(before[name]), "new_value": _text(after[name]),
            "previous_label": None, "new_label": None, "status": _STATUS[action],
            "path_identifier": path, "conflict": _conflict(ctx.conflicts.get(path), ctx),
        })  # fmt: skip
    return out


def _conflict(conflict: Conflict | None, ctx: _Context) -> dict[str, Any] | None:
    if conflict is None:
        return None
    fallback = ctx.to_time.isoformat()
    peer = conflict.scope == "relationship"
    return {
        "uuid": conflict.id,
        "base_branch_action": _STATUS[conflict.main_action],
        "base_branch_value": _text(conflict.main_value),
        "base_branch_changed_at": _iso(conflict.main_changed_at) or fallback,
        "base_branch_label": ctx.node_labels.get(conflict.main_value) if peer and conflict.main_value else None,
        "diff_branch_action": _STATUS[conflict.branch_action],
        "diff_branch_value": _text(conflict.branch_value),
        "diff_branch_changed_at": _iso(conflict.branch_changed_at) or fallback,
        "diff_branch_label": ctx.node_labels.get(conflict.branch_value) if peer and conflict.branch_value else None,
        "selected_branch": _SELECTED.get(ctx.choices.get(conflict.id, "")),
        "resolvable": True,
    }


def _counts(statuses: Iterable[str]) -> dict[str, int]:
    tally = {"ADDED": 0, "UPDATED": 0, "REMOVED": 0}
    for status in statuses:
        if status in tally:
            tally[status] += 1
    return {"num_added": tally["ADDED"], "num_updated": tally["UPDATED"], "num_removed": tally["REMOVED"]}


def _text(value: Any) -> str | None:
    """Property values as Infrahub's diff shows them: text, structured values as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        return _json.encode(value).decode()
    return str(value)


@functools.lru_cache(maxsize=4096)  # a diff's changes share few commit times
def _iso(time: datetime | None) -> str | None:
    return None if time is None else time.isoformat()
