"""The schema model: frozen msgspec structs for kinds, attributes and relationships.

The same structs carry a user's definition (as parsed) and the resolved schema (inheritance
flattened, identifiers, labels and weights filled). The field constraints below are the ones
the parser enforces when it reads a schema file.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

import msgspec

from .constants import (
    KIND_REGEX,
    NAME_REGEX,
    NAMESPACE_REGEX,
    NODE_NAME_REGEX,
    AllowOverride,
    AttributeKind,
    BranchSupport,
    Cardinality,
    ComputedKind,
    Direction,
    Display,
    OnDelete,
    RelationshipKind,
    State,
)

__all__ = [
    "AttributeParameters",
    "AttributeSchema",
    "ComputedAttribute",
    "DropdownChoice",
    "GenericSchema",
    "KindSchema",
    "MainSchema",
    "NodeExtension",
    "NodeSchema",
    "ProfileSchema",
    "RelationshipSchema",
    "SchemaFile",
    "TemplateSchema",
]

FieldName = Annotated[str, msgspec.Meta(pattern=NAME_REGEX, min_length=3, max_length=64)]
Label = Annotated[str, msgspec.Meta(max_length=64)]
Description = Annotated[str, msgspec.Meta(max_length=128)]
Kind = Annotated[str, msgspec.Meta(pattern=KIND_REGEX)]
Color = Annotated[str, msgspec.Meta(pattern=r"#[0-9a-fA-F]{6}\b")]
ExcludedValues = Annotated[str, msgspec.Meta(pattern=r"^(\d+(?:-\d+)?)(?:,\d+(?:-\d+)?)*$")]


class _Frozen(msgspec.Struct, frozen=True, kw_only=True):
    pass


class DropdownChoice(_Frozen, frozen=True, kw_only=True):
    name: str
    description: str | None = None
    color: Color | None = None
    label: str | None = None


class ComputedAttribute(_Frozen, frozen=True, kw_only=True):
    kind: ComputedKind
    jinja2_template: str | None = None
    transform: str | None = None


class AttributeParameters(_Frozen, frozen=True, kw_only=True):
    """Kind-specific settings; which of them apply depends on the attribute kind."""

    regex: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    excluded_values: ExcludedValues | None = None
    start_range: int | None = None
    end_range: int | None = None
    number_pool_id: str | None = None


class AttributeSchema(_Frozen, frozen=True, kw_only=True):
    id: str | None = None
    state: State = "present"
    name: FieldName
    kind: AttributeKind
    enum: tuple[Any, ...] | None = None
    computed_attribute: ComputedAttribute | None = None
    choices: tuple[DropdownChoice, ...] | None = None
    regex: str | None = None
    max_length: int | None = None
    min_length: int | None = None
    label: Label | None = None
    description: Description | None = None
    read_only: bool = False
    unique: bool = False
    optional: bool = False
    branch: BranchSupport | None = None
    order_weight: int | None = None
    default_value: Any = None
    inherited: bool = False
    allow_override: AllowOverride = "any"
    deprecation: Description | None = None
    parameters: AttributeParameters | None = None
    ordered: bool = True
    display: Display = "default"


class RelationshipSchema(_Frozen, frozen=True, kw_only=True):
    id: str | None = None
    state: State = "present"
    name: FieldName
    peer: Kind
    kind: RelationshipKind = "Generic"
    label: Label | None = None
    description: Description | None = None
    identifier: Annotated[str, msgspec.Meta(pattern=NAME_REGEX, max_length=128)] | None = None
    cardinality: Cardinality = "many"
    min_count: int = 0
    max_count: int = 0
    common_parent: str | None = None
    common_relatives: tuple[str, ...] | None = None
    order_weight: int | None = None
    optional: bool = True
    branch: BranchSupport | None = None
    inherited: bool = False
    direction: Direction = "bidirectional"
    hierarchical: str | None = None
    on_delete: OnDelete | None = None
    allow_override: AllowOverride = "any"
    read_only: bool = False
    deprecation: Description | None = None
    display: Display = "default"


class KindSchema(_Frozen, frozen=True, kw_only=True):
    """Fields every kind has: nodes, generics, profiles and templates."""

    id: str | None = None
    state: State = "present"
    name: Annotated[str, msgspec.Meta(pattern=NODE_NAME_REGEX, min_length=2, max_length=32)]
    namespace: Annotated[str, msgspec.Meta(pattern=NAMESPACE_REGEX, min_length=3, max_length=64)]
    description: Description | None = None
    label: Label | None = None
    branch: BranchSupport = "aware"
    default_filter: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9\_]*$")] | None = None
    human_friendly_id: tuple[str, ...] | None = None
    display_label: str | None = None
    display_labels: tuple[str, ...] | None = None
    include_in_menu: bool | None = None
    menu_placement: str | None = None
    icon: str | None = None
    order_by: tuple[str, ...] | None = None
    uniqueness_constraints: tuple[tuple[str, ...], ...] | None = None
    documentation: str | None = None
    attributes: tuple[AttributeSchema, ...] = ()
    relationships: tuple[RelationshipSchema, ...] = ()

    @property
    def kind(self) -> str:
        return self.namespace + self.name

    def attribute(self, name: str) -> AttributeSchema | None:
        for item in self.attributes:
            if item.name == name:
                return item
        return None

    def relationship(self, name: str) -> RelationshipSchema | None:
        for item in self.relationships:
            if item.name == name:
                return item
        return None

    @property
    def field_names(self) -> list[str]:
        return [a.name for a in self.attributes] + [r.name for r in self.relationships]


class NodeSchema(KindSchema, frozen=True, kw_only=True):
    inherit_from: tuple[Kind, ...] = ()
    generate_profile: bool = True
    generate_template: bool = False
    hierarchy: str | None = None
    parent: str | None = None
    children: str | None = None


class GenericSchema(KindSchema, frozen=True, kw_only=True):
    hierarchical: bool = False
    generate_profile: bool = True
    generate_template: bool = False
    used_by: tuple[str, ...] = ()
    restricted_namespaces: tuple[str, ...] | None = None


class ProfileSchema(KindSchema, frozen=True, kw_only=True):
    inherit_from: tuple[str, ...] = ()


class TemplateSchema(KindSchema, frozen=True, kw_only=True):
    inherit_from: tuple[str, ...] = ()


MainSchema: TypeAlias = NodeSchema | GenericSchema
"""What a user declares: a node or a generic."""


class NodeExtension(_Frozen, frozen=True, kw_only=True):
    """Attributes and relationships added to a kind that already exists."""

    kind: str
    attributes: tuple[AttributeSchema, ...] = ()
    relationships: tuple[RelationshipSchema, ...] = ()


class SchemaFile(_Frozen, frozen=True, kw_only=True):
    """One parsed schema document; `name` is the file it came from, `index` its position."""

    name: str
    index: int = 0
    version: str = "1.0"
    nodes: tuple[NodeSchema, ...] = ()
    generics: tuple[GenericSchema, ...] = ()
    extensions: tuple[NodeExtension, ...] = ()
