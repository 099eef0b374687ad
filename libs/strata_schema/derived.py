"""Kinds the system generates from user kinds: `Profile<Kind>` and `Template<Kind>`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import msgspec

from .constants import NODE_KIND, OBJECT_TEMPLATE_KIND, OBJECT_TEMPLATE_RELATIONSHIP, PROFILE_KIND, RESTRICTED_NAMESPACES, RelationshipKind
from .model import AttributeSchema, GenericSchema, NodeSchema, ProfileSchema, RelationshipSchema, TemplateSchema

__all__ = ["profiles", "templates", "with_generated_users", "with_template_relationships"]

_replace = msgspec.structs.replace
# Relationship kinds a profile or template may carry values for.
_COPIED_RELATIONSHIP_KINDS: Final = frozenset({"Generic", "Attribute"})
_PROFILE_NAME = AttributeSchema(name="profile_name", kind="Text", unique=True, order_weight=1000)
_PROFILE_PRIORITY = AttributeSchema(
    name="profile_priority", kind="Number", optional=True, default_value=1000, order_weight=2000
)
_TEMPLATE_NAME = AttributeSchema(name="template_name", kind="Text", unique=True, order_weight=1000)


def _copied_attributes(item: NodeSchema | GenericSchema, for_profile: bool) -> list[AttributeSchema]:
    out: list[AttributeSchema] = []
    for attr in item.attributes:
        if attr.read_only or (for_profile and not attr.optional):
            continue
        out.append(_replace(
            attr, id=None, optional=True, unique=False, inherited=False, read_only=False,
            default_value=None if for_profile else attr.default_value,
            branch=item.branch,
        ))
    return out


def _copied_relationships(item: NodeSchema | GenericSchema, prefix: str) -> list[RelationshipSchema]:
    out: list[RelationshipSchema] = []
    for rel in item.relationships:
        if rel.kind not in _COPIED_RELATIONSHIP_KINDS or rel.read_only or rel.name == "profiles":
            continue
        out.append(_replace(
            rel, id=None, optional=True, inherited=False, identifier=f"{prefix}_{rel.identifier}",
            min_count=0, max_count=1 if rel.cardinality == "one" else rel.max_count,
        ))
    return out


def _related_nodes(peer: str, kind: RelationshipKind, identifier: str) -> RelationshipSchema:
    return RelationshipSchema(
        name="related_nodes", peer=peer, kind=kind, identifier=identifier, cardinality="many", branch="aware",
    )


def profiles(
    nodes: Mapping[str, NodeSchema], generics: Mapping[str, GenericSchema]
) -> dict[str, ProfileSchema]:
    """One profile kind for each user node or generic that asks for one."""
    out: dict[str, ProfileSchema] = {}
    sources: list[NodeSchema | GenericSchema] = [*nodes.values(), *generics.values()]
    for item in sources:
        if item.namespace in RESTRICTED_NAMESPACES or not item.generate_profile:
            continue
        profile = ProfileSchema(
            name=item.kind,
            namespace="Profile",
            label=f"Profile {item.label or item.name}",
            description=f"Profile for {item.kind}",
            branch=item.branch,
            include_in_menu=False,
            default_filter="profile_name__value",
            human_friendly_id=("profile_name__value",),
            display_label="profile_name__value",
            display_labels=("profile_name__value",),
            uniqueness_constraints=(("profile_name__value",),),
            inherit_from=("LineageSource", PROFILE_KIND, NODE_KIND),
            attributes=(
                _replace(_PROFILE_NAME, branch=item.branch),
                _replace(_PROFILE_PRIORITY, branch=item.branch),
                *_copied_attributes(item, for_profile=True),
            ),
            relationships=(
                _related_nodes(item.kind, "Profile", "node__profile"),
                *_copied_relationships(item, "profile"),
            ),
        )
        out[profile.kind] = profile
    return out


def templates(nodes: Mapping[str, NodeSchema]) -> dict[str, TemplateSchema]:
    """One object-template kind for each node with `generate_template: true`."""
    out: dict[str, TemplateSchema] = {}
    for node in nodes.values():
        if not node.generate_template:
            continue
        template = TemplateSchema(
            name=node.kind,
            namespace="Template",
            label=f"Object template {node.label or node.name}",
            description=f"Object template for {node.kind}",
            branch=node.branch,
            include_in_menu=False,
            default_filter="template_name__value",
            human_friendly_id=("template_name__value",),
            display_label="template_name__value",
            display_labels=("template_name__value",),
            uniqueness_constraints=(("template_name__value",),),
            inherit_from=("LineageSource", NODE_KIND, OBJECT_TEMPLATE_KIND),
            attributes=(_replace(_TEMPLATE_NAME, branch=node.branch), *_copied_attributes(node, for_profile=False)),
            relationships=(
                _related_nodes(node.kind, "Template", "node__objecttemplate"),
                *_copied_relationships(node, "template"),
            ),
        )
        out[template.kind] = template
    return out


def with_template_relationships(
    nodes: Mapping[str, NodeSchema], templates_by_kind: Mapping[str, TemplateSchema]
) -> dict[str, NodeSchema]:
    """Nodes that have a template get an `object_template` relationship to it."""
    out = dict(nodes)
    for kind, node in nodes.items():
        template_kind = f"Template{kind}"
        if template_kind not in templates_by_kind or node.relationship(OBJECT_TEMPLATE_RELATIONSHIP) is not None:
            continue
        rel = RelationshipSchema(
            name=OBJECT_TEMPLATE_RELATIONSHIP, peer=template_kind, kind="Template", identifier="node__objecttemplate",
            cardinality="one", optional=True, min_count=0, max_count=1, branch="aware", order_weight=1,
        )
        out[kind] = _replace(node, relationships=(*node.relationships, rel))
    return out


def with_generated_users(
    generics: Mapping[str, GenericSchema],
    profiles_by_kind: Mapping[str, ProfileSchema],
    templates_by_kind: Mapping[str, TemplateSchema],
) -> dict[str, GenericSchema]:
    """Record generated kinds in the `used_by` of the generics they inherit from."""
    out = dict(generics)
    extra: dict[str, set[str]] = {}
    generated_kinds: list[ProfileSchema | TemplateSchema] = [*profiles_by_kind.values(), *templates_by_kind.values()]
    for generated in generated_kinds:
        for parent in generated.inherit_from:
            extra.setdefault(parent, set()).add(generated.kind)
    for kind, users in extra.items():
        generic = out.get(kind)
        if generic is not None:
            out[kind] = _replace(generic, used_by=tuple(sorted({*generic.used_by, *users})))
    return out
