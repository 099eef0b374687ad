"""Fields and relationships the system adds to every kind: groups, profiles, hierarchy,
labels, order weights, dropdown defaults, delete behaviour and uniqueness."""

from __future__ import annotations

from typing import Final, TypeVar

import msgspec

from .constants import GROUP_KIND, LINEAGE_KINDS, PROFILE_KIND, RESTRICTED_NAMESPACES
from .model import (
    AttributeSchema,
    DropdownChoice,
    GenericSchema,
    KindSchema,
    NodeSchema,
    ProfileSchema,
    RelationshipSchema,
    TemplateSchema,
)

__all__ = [
    "finish",
    "format_label",
    "with_group_relationships",
    "with_system_relationships",
    "with_weights",
]

K = TypeVar("K", NodeSchema, GenericSchema, ProfileSchema, TemplateSchema)
_replace = msgspec.structs.replace
_PALETTE: Final = ("#ed6a5a", "#f4f1bb", "#9bc1bc", "#5ca4a9", "#e6ebe0", "#c5d86d", "#f7b267", "#8e7dbe")


def format_label(name: str) -> str:
    """`facility_id` -> `Facility Id`, the way Infrahub labels fields."""
    return " ".join(word.title() for word in name.split("_"))


def with_weights(item: K) -> K:
    """Give each attribute and relationship without an order weight 1000 times its position."""
    if all(a.order_weight for a in item.attributes) and all(r.order_weight for r in item.relationships):
        return item
    count = len(item.attributes)
    attrs = tuple(
        a if a.order_weight else _replace(a, order_weight=(i + 1) * 1000) for i, a in enumerate(item.attributes)
    )
    rels = tuple(
        r if r.order_weight else _replace(r, order_weight=(count + i + 1) * 1000)
        for i, r in enumerate(item.relationships)
    )
    return _replace(item, attributes=attrs, relationships=rels)


def _system_rel(name: str, peer: str, kind: str, identifier: str, **extra: object) -> RelationshipSchema:
    return msgspec.convert(
        {"name": name, "peer": peer, "kind": kind, "identifier": identifier, "branch": "aware", **extra},
        RelationshipSchema,
    )


def with_group_relationships(item: K) -> K:
    if item.kind in LINEAGE_KINDS or item.kind == GROUP_KIND:
        return item
    if isinstance(item, NodeSchema) and GROUP_KIND in item.inherit_from:
        return item
    names = set(item.field_names)
    added: list[RelationshipSchema] = [
        _system_rel(name, GROUP_KIND, "Group", identifier)
        for name, identifier in (("member_of_groups", "group_member"), ("subscriber_of_groups", "group_subscriber"))
        if name not in names
    ]
    return _replace(item, relationships=(*item.relationships, *added)) if added else item


def _hierarchy_rels(
    names: set[str], parent: str | None, children: str | None, hierarchy: str, parent_optional: bool, read_only: bool
) -> list[RelationshipSchema]:
    rels: list[RelationshipSchema] = []
    if parent and "parent" not in names:  # "" means a top-level kind: no parent
        counts = {"min_count": 0, "max_count": 1} if parent_optional else {"min_count": 1, "max_count": 1}
        rels.append(_system_rel(
            "parent", parent, "Hierarchy", "parent__child", cardinality="one", optional=parent_optional,
            direction="outbound", hierarchical=hierarchy, read_only=read_only, **counts,
        ))
    if children and "children" not in names:  # "" means a leaf kind: no children
        rels.append(_system_rel(
            "children", children, "Hierarchy", "parent__child", cardinality="many", optional=True,
            direction="inbound", hierarchical=hierarchy, read_only=read_only,
        ))
    return rels


def with_system_relationships(item: K) -> K:
    """Add the profiles, group and hierarchy relationships a node or generic gets."""
    names = set(item.field_names)
    added: list[RelationshipSchema] = []
    if item.namespace not in RESTRICTED_NAMESPACES and "profiles" not in names:
        added.append(_system_rel("profiles", PROFILE_KIND, "Profile", "node__profile", cardinality="many"))
    if isinstance(item, GenericSchema) and item.hierarchical:
        added += _hierarchy_rels(names, item.kind, item.kind, item.kind, True, item.kind == "BuiltinIPPrefix")
    if isinstance(item, NodeSchema) and item.hierarchy is not None:
        added += _hierarchy_rels(
            names, item.parent, item.children, item.hierarchy, item.parent == item.hierarchy,
            "BuiltinIPPrefix" in item.inherit_from,
        )
    item = _replace(item, relationships=(*item.relationships, *added)) if added else item
    return with_group_relationships(item)


def _finish_choices(attr: AttributeSchema) -> AttributeSchema:
    if not attr.choices:
        return attr
    used = {c.color.lower() for c in attr.choices if c.color}
    free = [c for c in _PALETTE if c not in used] or list(_PALETTE)
    choices: list[DropdownChoice] = []
    for choice in attr.choices:
        changes: dict[str, str] = {}
        if not choice.label:
            changes["label"] = format_label(choice.name)
        if not choice.color:
            changes["color"] = free[len(choices) % len(free)]
        choices.append(_replace(choice, **changes) if changes else choice)
    return _replace(attr, choices=tuple(choices))


def _finish_attribute(attr: AttributeSchema) -> AttributeSchema:
    attr = _finish_choices(attr)
    return attr if attr.label else _replace(attr, label=format_label(attr.name))


def _finish_relationship(rel: RelationshipSchema) -> RelationshipSchema:
    changes: dict[str, str] = {}
    if not rel.label:
        changes["label"] = format_label(rel.name)
    if rel.on_delete is None:
        changes["on_delete"] = "cascade" if rel.kind == "Component" else "no-action"
    return _replace(rel, **changes) if changes else rel


def _sync_uniqueness(item: KindSchema) -> dict[str, object]:
    """Keep `unique` attributes, uniqueness constraints and the human-friendly id consistent."""
    constraints = [list(c) for c in item.uniqueness_constraints or ()]
    single = {c[0][: -len("__value")] for c in constraints if len(c) == 1 and c[0].endswith("__value")}
    unique = [a.name for a in item.attributes if a.unique]
    attrs = tuple(
        _replace(a, unique=True) if a.name in single and not a.unique and item.attribute(a.name) else a
        for a in item.attributes
    )
    constraints += sorted([f"{name}__value"] for name in unique if name not in single)
    hfid = list(item.human_friendly_id) if item.human_friendly_id else None
    if hfid is None:
        first_unique = next((a.name for a in attrs if a.unique), None)
        if first_unique is not None:
            hfid = [f"{first_unique}__value"]
    if hfid and not constraints:
        rel_names = {r.name for r in item.relationships}
        constraints = [[path.split("__")[0] if path.split("__")[0] in rel_names else path for path in hfid]]
    return {
        "attributes": attrs,
        "uniqueness_constraints": tuple(tuple(c) for c in constraints) or None,
        "human_friendly_id": tuple(hfid) if hfid else None,
    }


def finish(item: K) -> K:
    """Labels, weights, dropdown colours, delete behaviour and uniqueness, in that order."""
    item = _replace(
        item,
        label=item.label or item.name,
        attributes=tuple(_finish_attribute(a) for a in item.attributes),
        relationships=tuple(_finish_relationship(r) for r in item.relationships),
    )
    item = with_weights(item)
    if isinstance(item, NodeSchema | GenericSchema):
        item = _replace(item, **_sync_uniqueness(item))
    return item
