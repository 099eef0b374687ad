"""The kinds of a branch schema that GraphQL exposes, in a stable order, and how they relate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeAlias

from strata_schema import (
    BranchSchema,
    GenericSchema,
    KindSchema,
    NodeSchema,
    ProfileSchema,
    RelationshipSchema,
    TemplateSchema,
)

__all__ = [
    "ACCOUNT_GENERIC",
    "HIERARCHY_FIELDS",
    "IP_ADDRESS_GENERIC",
    "IP_PREFIX_GENERIC",
    "KindCatalogue",
    "NODE_GENERIC",
    "ObjectKind",
    "REQUIRED_GENERICS",
]

ObjectKind: TypeAlias = NodeSchema | ProfileSchema | TemplateSchema
"""A kind whose objects exist: it becomes a GraphQL object type with mutations."""

NODE_GENERIC: Final = "CoreNode"
GROUP_GENERIC: Final = "CoreGroup"
ACCOUNT_GENERIC: Final = "CoreGenericAccount"
IP_PREFIX_GENERIC: Final = "BuiltinIPPrefix"
IP_ADDRESS_GENERIC: Final = "BuiltinIPAddress"
# The static part of the schema refers to these core generics by name.
REQUIRED_GENERICS: Final = ("LineageSource", "LineageOwner", NODE_GENERIC, ACCOUNT_GENERIC)
# Kinds of this namespace never appear in GraphQL, nor do relationships towards them.
HIDDEN_NAMESPACES: Final = frozenset({"Internal"})
# On a hierarchical kind these fields come from the hierarchy, not from its relationships.
HIERARCHY_FIELDS: Final = ("parent", "children", "ancestors", "descendants")


class KindCatalogue:
    """The exposed kinds of one branch schema: generics, then nodes, profiles and templates, each by name."""

    def __init__(self, schema: BranchSchema) -> None:
        def shown(items: Sequence[KindSchema]) -> list[KindSchema]:
            return sorted((k for k in items if k.namespace not in HIDDEN_NAMESPACES), key=lambda k: k.kind)

        self.generics: list[GenericSchema] = [
            g for g in shown(list(schema.generics.values())) if isinstance(g, GenericSchema)
        ]
        self.objects: list[ObjectKind] = [
            k for group in (schema.nodes, schema.profiles, schema.templates)
            for k in shown(list(group.values()))
            if isinstance(k, NodeSchema | ProfileSchema | TemplateSchema)
        ]
        self._by_kind: dict[str, KindSchema] = {k.kind: k for k in (*self.generics, *self.objects)}

    @property
    def kinds(self) -> list[KindSchema]:
        """Every exposed kind, generics first."""
        return [*self.generics, *self.objects]

    def __contains__(self, kind: object) -> bool:
        return kind in self._by_kind

    def get(self, kind: str) -> KindSchema:
        return self._by_kind[kind]

    def is_generic(self, kind: str) -> bool:
        return isinstance(self._by_kind.get(kind), GenericSchema)

    def interfaces(self, item: ObjectKind) -> list[str]:
        """The generics an object type implements: its exposed parents, and CoreNode unless it is a group."""
        names = [k for k in item.inherit_from if self.is_generic(k)]
        if isinstance(item, NodeSchema) and GROUP_GENERIC not in item.inherit_from and self.is_generic(NODE_GENERIC):
            names.append(NODE_GENERIC)
        return list(dict.fromkeys(names))

    def hierarchy(self, item: KindSchema) -> str | None:
        """The hierarchical generic whose tree `item` belongs to, if any."""
        if isinstance(item, GenericSchema):
            return item.kind if item.hierarchical else None
        if isinstance(item, NodeSchema) and item.hierarchy is not None and self.is_generic(item.hierarchy):
            return item.hierarchy
        return None

    def relationships(self, item: KindSchema) -> list[RelationshipSchema]:
        """Relationships whose peer is exposed."""
        return [r for r in item.relationships if r.peer in self._by_kind]

    def field_relationships(self, item: KindSchema) -> list[RelationshipSchema]:
        """Relationships shown as fields of their own; a hierarchy's fields are shown apart."""
        skip = HIERARCHY_FIELDS if self.hierarchy(item) is not None else ()
        return [r for r in self.relationships(item) if r.name not in skip]

    def related_input(self, rel: RelationshipSchema) -> str:
        """The input type naming a peer: IP prefixes and addresses may come from their own pools."""
        peer = self._by_kind[rel.peer]
        parents = set(peer.inherit_from) if isinstance(peer, NodeSchema) else set()
        if rel.peer == IP_PREFIX_GENERIC or IP_PREFIX_GENERIC in parents:
            return "RelatedIPPrefixNodeInput"
        if rel.peer == IP_ADDRESS_GENERIC or IP_ADDRESS_GENERIC in parents:
            return "RelatedIPAddressNodeInput"
        return "RelatedNodeInput"
