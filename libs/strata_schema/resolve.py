"""Turn a branch's definitions into its resolved schema.

The steps follow Infrahub's schema processing: relationship identifiers, defaults and counts,
inheritance from generics (elements marked `inherited`), hierarchy, branch support, the
system relationships (groups, profiles, hierarchy), generated profile and template kinds,
labels, weights and uniqueness. Problems are collected, not raised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, TypeVar

import msgspec

from . import augment, derived
from ._problems import Problem
from .constants import NODE_KIND, RESTRICTED_NAMESPACES
from .model import (
    AttributeParameters,
    AttributeSchema,
    GenericSchema,
    MainSchema,
    NodeSchema,
    ProfileSchema,
    RelationshipSchema,
    TemplateSchema,
)

__all__ = ["ResolvedSchema", "resolve"]

K = TypeVar("K", NodeSchema, GenericSchema)
_replace = msgspec.structs.replace
_PLAIN_PATH: Final = re.compile(r"^[a-z0-9_]+$")
_INHERITED_PROPERTIES: Final = (
    "human_friendly_id",
    "display_label",
    "display_labels",
    "default_filter",
    "menu_placement",
    "uniqueness_constraints",
    "icon",
    "order_by",
)


class ResolvedSchema(msgspec.Struct, frozen=True, kw_only=True):
    nodes: dict[str, NodeSchema]
    generics: dict[str, GenericSchema]
    profiles: dict[str, ProfileSchema]
    templates: dict[str, TemplateSchema]


def resolve(definitions: Mapping[str, MainSchema]) -> tuple[ResolvedSchema, list[Problem]]:
    """Resolve `definitions`; the problems say why the result must not be used, if any."""
    problems: list[Problem] = []
    generics = {k: _prepare(v) for k, v in definitions.items() if isinstance(v, GenericSchema)}
    nodes = {k: _prepare(v) for k, v in definitions.items() if isinstance(v, NodeSchema)}
    generics = {k: augment.with_weights(v) for k, v in generics.items()}

    used_by: dict[str, list[str]] = {k: [] for k in generics}
    for kind in list(nodes):
        nodes[kind] = _inherit(nodes[kind], generics, nodes, used_by, problems)
        nodes[kind] = _hierarchy(nodes[kind], generics, nodes, problems)
    core_node_users = [
        k for k, n in nodes.items() if n.inherit_from or n.namespace not in RESTRICTED_NAMESPACES
    ]
    used_by.setdefault(NODE_KIND, []).extend(k for k in core_node_users if k not in used_by[NODE_KIND])
    generics = {k: _replace(g, used_by=tuple(sorted(used_by.get(k, [])))) for k, g in generics.items()}

    branch_of = {k: v.branch for k, v in (*generics.items(), *nodes.items())}
    generics = {k: _branch_support(v, branch_of) for k, v in generics.items()}
    nodes = {k: _branch_support(v, branch_of) for k, v in nodes.items()}

    generics = {k: augment.with_system_relationships(v) for k, v in generics.items()}
    nodes = {k: augment.with_system_relationships(v) for k, v in nodes.items()}

    profiles = derived.profiles(nodes, generics)
    templates = derived.templates(nodes)
    nodes = derived.with_template_relationships(nodes, templates)
    generics = derived.with_generated_users(generics, profiles, templates)
    profiles = {k: augment.with_group_relationships(p) for k, p in profiles.items()}
    templates = {k: augment.with_group_relationships(t) for k, t in templates.items()}

    return (
        ResolvedSchema(
            nodes={k: augment.finish(v) for k, v in nodes.items()},
            generics={k: augment.finish(v) for k, v in generics.items()},
            profiles={k: augment.finish(v) for k, v in profiles.items()},
            templates={k: augment.finish(v) for k, v in templates.items()},
        ),
        problems,
    )


# -- per-kind preparation -------------------------------------------------------------------
def _prepare(item: K) -> K:
    kind = item.kind
    attrs = tuple(_prepare_attribute(a) for a in item.attributes)
    rels = tuple(_prepare_relationship(r, kind) for r in item.relationships)
    display_label, display_labels = item.display_label, item.display_labels
    if display_label is None and display_labels:
        display_label = (
            display_labels[0] if len(display_labels) == 1
            else " ".join("{{ " + path + " }}" for path in display_labels)
        )
    if display_labels is None and display_label is not None and _PLAIN_PATH.match(display_label):
        display_labels = (display_label,)
    return _replace(item, attributes=attrs, relationships=rels,
                    display_label=display_label, display_labels=display_labels)


def _prepare_attribute(attr: AttributeSchema) -> AttributeSchema:
    if attr.default_value is not None and not attr.optional:
        attr = _replace(attr, optional=True)
    if attr.kind in ("Text", "TextArea", "List"):
        params = attr.parameters or AttributeParameters()
        regex = attr.regex if attr.regex is not None else params.regex
        low = params.min_length if attr.min_length is None else attr.min_length
        high = params.max_length if attr.max_length is None else attr.max_length
        if attr.kind == "List":
            low = high = None
        if regex is not None or low is not None or high is not None or attr.parameters is not None:
            params = _replace(params, regex=regex, min_length=low, max_length=high)
            attr = _replace(attr, parameters=params, regex=regex, min_length=low, max_length=high)
    return attr


def _prepare_relationship(rel: RelationshipSchema, kind: str) -> RelationshipSchema:
    if rel.identifier is None:
        rel = _replace(rel, identifier="__".join(sorted((kind, rel.peer))).lower())
    if rel.cardinality == "one":
        low, high = rel.min_count, rel.max_count
        if rel.optional:
            low, high = 0, 1
        else:
            low = low or 1
            high = high or 1
        rel = _replace(rel, min_count=low, max_count=high)
    return rel


# -- inheritance ----------------------------------------------------------------------------
def _inherit(
    node: NodeSchema,
    generics: Mapping[str, GenericSchema],
    nodes: Mapping[str, NodeSchema],
    used_by: dict[str, list[str]],
    problems: list[Problem],
) -> NodeSchema:
    kind = node.kind
    local = set(node.field_names)
    attrs, rels = list(node.attributes), list(node.relationships)
    props = {name: getattr(node, name) for name in _INHERITED_PROPERTIES}
    hierarchical: list[str] = []
    for index, generic_kind in enumerate(node.inherit_from):
        generic = generics.get(generic_kind)
        if generic is None:
            code, why = (
                ("schema.not_a_generic", f"{generic_kind!r} is a node, only generics can be inherited from")
                if generic_kind in nodes
                else ("schema.unknown_kind", f"{generic_kind!r} is not a known generic")
            )
            problems.append(Problem(kind=kind, code=code, reason=why, field="inherit_from", index=index))
            continue
        used_by[generic_kind].append(kind)
        if generic.hierarchical:
            hierarchical.append(generic_kind)
        _check_overrides(node, generic, problems)
        for name in _INHERITED_PROPERTIES:
            if props[name] is None and getattr(generic, name) is not None:
                props[name] = getattr(generic, name)
        for attr in generic.attributes:
            if attr.name not in local:
                attrs.append(_replace(attr, inherited=True))
                local.add(attr.name)
        for rel in generic.relationships:
            if rel.name not in local:
                rels.append(_replace(rel, inherited=True))
                local.add(rel.name)
    hierarchy = node.hierarchy
    if len(hierarchical) > 1:
        problems.append(Problem(
            kind=kind, code="schema.hierarchy", field="inherit_from",
            reason=f"only one hierarchical generic may be inherited from, got {hierarchical}",
        ))
    elif hierarchical and hierarchy is None:
        hierarchy = hierarchical[0]
    return _replace(node, attributes=tuple(attrs), relationships=tuple(rels), hierarchy=hierarchy, **props)


def _check_overrides(node: NodeSchema, generic: GenericSchema, problems: list[Problem]) -> None:
    for attr in node.attributes:
        base = generic.attribute(attr.name)
        if base is None:
            continue
        if base.allow_override == "none":
            problems.append(Problem(
                kind=node.kind, code="schema.inheritance", container="attributes", element=attr.name,
                reason=f"attribute {attr.name!r} inherited from {generic.kind} cannot be overridden",
            ))
        elif base.kind != attr.kind:
            problems.append(Problem(
                kind=node.kind, code="schema.inheritance", container="attributes", element=attr.name,
                field="kind",
                reason=f"attribute {attr.name!r} must keep the kind {base.kind!r} of {generic.kind}",
            ))
    for rel in node.relationships:
        base_rel = generic.relationship(rel.name)
        if base_rel is not None and base_rel.allow_override == "none":
            problems.append(Problem(
                kind=node.kind, code="schema.inheritance", container="relationships", element=rel.name,
                reason=f"relationship {rel.name!r} inherited from {generic.kind} cannot be overridden",
            ))


def _hierarchy(
    node: NodeSchema,
    generics: Mapping[str, GenericSchema],
    nodes: Mapping[str, NodeSchema],
    problems: list[Problem],
) -> NodeSchema:
    if node.hierarchy is None:
        for field in ("parent", "children"):
            if getattr(node, field) is not None:
                problems.append(Problem(
                    kind=node.kind, code="schema.hierarchy", field=field,
                    reason=f"{field} needs the node to inherit from a hierarchical generic",
                ))
        return node
    if node.hierarchy not in generics:
        problems.append(Problem(kind=node.kind, code="schema.hierarchy", field="hierarchy",
                                reason=f"hierarchy {node.hierarchy!r} is not a generic"))
        return node
    changes: dict[str, str] = {}
    for field in ("parent", "children"):
        value = getattr(node, field)
        if value is None:
            changes[field] = node.hierarchy
        elif value == "":
            continue  # Infrahub's way to say "top-level kind" (no parent) or "leaf" (no children)
        elif value not in nodes and value not in generics:
            problems.append(Problem(kind=node.kind, code="schema.hierarchy", field=field,
                                    reason=f"{field} {value!r} is not a known kind"))
    inherit_from = node.inherit_from
    if node.hierarchy not in inherit_from:
        inherit_from = (*inherit_from, node.hierarchy)
    return _replace(node, inherit_from=inherit_from, **changes)


def _branch_support(item: K, branch_of: Mapping[str, str]) -> K:
    attrs = tuple(a if a.branch else _replace(a, branch=item.branch) for a in item.attributes)
    rels: list[RelationshipSchema] = []
    for rel in item.relationships:
        if rel.branch is None:
            peer_branch = branch_of.get(rel.peer, item.branch)
            if peer_branch == item.branch:
                branch = item.branch
            elif "local" in (peer_branch, item.branch):
                branch = "local"
            else:
                branch = "aware"
            rel = _replace(rel, branch=branch)
        rels.append(rel)
    return _replace(item, attributes=attrs, relationships=tuple(rels))
