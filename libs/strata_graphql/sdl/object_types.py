"""The read side of each kind: its interface or object type and the connection types around it.

A generic becomes an interface, a node, profile or template an object type implementing its
generics. Each kind `K` also gets `EdgedK`/`PaginatedK` (top-level answers) and
`NestedEdgedK`/`NestedPaginatedK` (peers of a relationship, with the relationship's properties).
"""

from __future__ import annotations

from typing import Final

from strata_schema import GenericSchema, KindSchema

from ._text import block, field
from .attribute_kinds import attribute_graphql
from .catalogue import HIERARCHY_FIELDS, KindCatalogue, ObjectKind
from .filters import nested_filters, relationship_field_arguments

__all__ = ["connection_types", "interface_type", "kind_definitions", "object_type"]

_ID: Final = "The node's UUID"
_HFID: Final = "The values that name the node for people, in the order of the kind's human_friendly_id"


def kind_definitions(catalogue: KindCatalogue) -> list[str]:
    """Interfaces, object types and connection types of every exposed kind."""
    out: list[str] = []
    for generic in catalogue.generics:
        out.append(interface_type(catalogue, generic))
        out += connection_types(generic)
    for item in catalogue.objects:
        out.append(object_type(catalogue, item))
        out += connection_types(item)
    return out


def interface_type(catalogue: KindCatalogue, generic: GenericSchema) -> str:
    fields = [
        field("id", "String", description=_ID),
        field("hfid", "[String!]", description=_HFID),
        field("display_label", "String"),
        *_kind_fields(catalogue, generic),
    ]
    return block("interface", generic.kind, fields, description=generic.description)


def object_type(catalogue: KindCatalogue, item: ObjectKind) -> str:
    fields = [
        field("id", "String!", description=_ID),
        field("hfid", "[String!]", description=_HFID),
        field("display_label", "String"),
        field("_updated_at", "DateTime"),
        *_kind_fields(catalogue, item),
    ]
    return block(
        "type", item.kind, fields, implements=catalogue.interfaces(item), description=item.description,
    )


def connection_types(item: KindSchema) -> list[str]:
    """`EdgedK`, `PaginatedK`, `NestedEdgedK` and `NestedPaginatedK`."""
    kind = item.kind
    generic = isinstance(item, GenericSchema)
    edged = [field("node", kind), field("node_metadata", "NodeMetadata")]
    nested_edged = [
        field("node", kind),
        *([field("_updated_at", "DateTime")] if generic else []),
        field("properties", "RelationshipProperty"),
        field("node_metadata", "NodeMetadata"),
        field("relationship_metadata", "RelationshipMetadata"),
    ]
    paginated = [
        field("count", "Int!"),
        field("edges", f"[Edged{kind}!]!"),
        field("permissions", "PaginatedObjectPermission!"),
    ]
    # Peers through a generic carry no permissions, as in Infrahub.
    nested_paginated = (
        [field("count", "Int!"), field("edges", f"[NestedEdged{kind}!]")]
        if generic
        else [
            field("count", "Int!"),
            field("edges", f"[NestedEdged{kind}!]!"),
            field("permissions", "PaginatedObjectPermission!"),
        ]
    )
    return [
        block("type", f"Edged{kind}", edged),
        block("type", f"Paginated{kind}", paginated),
        block("type", f"NestedEdged{kind}", nested_edged),
        block("type", f"NestedPaginated{kind}", nested_paginated),
    ]


def _kind_fields(catalogue: KindCatalogue, item: KindSchema) -> list[str]:
    out = [
        field(attr.name, attribute_graphql(attr.kind).query_type, description=attr.description)
        for attr in item.attributes
    ]
    for rel in catalogue.field_relationships(item):
        if rel.cardinality == "one":
            out.append(field(rel.name, f"NestedEdged{rel.peer}!", description=rel.description))
        else:
            arguments = relationship_field_arguments(catalogue, item, rel)
            out.append(field(rel.name, f"NestedPaginated{rel.peer}!", arguments, description=rel.description))
    return out + _hierarchy_fields(catalogue, item)


def _hierarchy_fields(catalogue: KindCatalogue, item: KindSchema) -> list[str]:
    """`parent`, `children`, `ancestors`, `descendants`, all typed by the hierarchy's generic."""
    hierarchy = catalogue.hierarchy(item)
    if hierarchy is None:
        return []
    arguments = nested_filters(catalogue.get(hierarchy))
    parent, *many = HIERARCHY_FIELDS
    return [
        field(parent, f"NestedEdged{hierarchy}!"),
        *(field(name, f"NestedPaginated{hierarchy}!", arguments) for name in many),
    ]
