"""Filter arguments: of a kind's top-level query field, and of a relationship field inside a node.

A top-level query filters on ids, the human friendly id, each attribute's value and properties,
any attribute (`any__value`), and through each relationship on the peer's ids and attributes
(`owner__name__value`). A relationship field filters its peers on their ids and attributes.
"""

from __future__ import annotations

from typing import Final

from strata_schema import KindSchema, RelationshipSchema

from ._text import Arg
from .attribute_kinds import attribute_graphql
from .catalogue import IP_ADDRESS_GENERIC, IP_PREFIX_GENERIC, KindCatalogue

__all__ = ["PAGINATION", "nested_filters", "relationship_field_arguments", "top_level_filters", "value_filters"]

PAGINATION: Final[tuple[Arg, ...]] = (("offset", "Int"), ("limit", "Int"), ("order", "OrderInput"))
_PAGINATION_NAMES: Final = frozenset(name for name, _ in PAGINATION)
# Properties of an attribute that are nodes (filtered by id) and that are flags.
_NODE_PROPERTIES: Final = ("source", "owner")
_FLAG_PROPERTIES: Final = ("is_visible", "is_protected")
# Group memberships are filtered on the groups' values only.
_GROUP_RELATIONSHIP: Final = "Group"
# Listing the generic IP kinds may add the free space between them, of the kinds asked for.
_IPAM_LISTING: Final[tuple[Arg, ...]] = (("include_available", "Boolean"), ("kinds", "[String!]"))


def value_filters(name: str, scalar: str, *, properties: bool, isnull: bool) -> list[Arg]:
    """`<name>__value`, `__values`, optionally `__isnull`, and the property filters."""
    out: list[Arg] = [(f"{name}__value", scalar), (f"{name}__values", f"[{scalar}]")]
    if isnull:
        out.append((f"{name}__isnull", "Boolean"))
    if properties:
        out += [(f"{name}__{prop}__id", "ID") for prop in _NODE_PROPERTIES]
        out += [(f"{name}__{flag}", "Boolean") for flag in _FLAG_PROPERTIES]
    return out


def nested_filters(item: KindSchema, *, properties: bool = True) -> list[Arg]:
    """The arguments of a relationship field whose peer is `item`."""
    out: list[Arg] = [*PAGINATION, ("ids", "[ID]"), ("isnull", "Boolean")]
    for attr in item.attributes:
        scalar = attribute_graphql(attr.kind).filter_scalar
        out += value_filters(attr.name, scalar, properties=properties, isnull=False)
    return out


def relationship_field_arguments(catalogue: KindCatalogue, owner: KindSchema, rel: RelationshipSchema) -> list[Arg]:
    """Arguments of a cardinality-many relationship field; in a hierarchy, peers may include descendants."""
    out = nested_filters(catalogue.get(rel.peer))
    if catalogue.hierarchy(owner) is not None:
        out.append(("include_descendants", "Boolean"))
    return out


def top_level_filters(catalogue: KindCatalogue, item: KindSchema) -> list[Arg]:
    """The arguments of the query field `<Kind>(...)`."""
    out: list[Arg] = [*PAGINATION, ("ids", "[ID]")]
    if item.human_friendly_id:
        out.append(("hfid", "[String]"))
    for attr in item.attributes:
        scalar = attribute_graphql(attr.kind).filter_scalar
        out += value_filters(attr.name, scalar, properties=True, isnull=True)
    out += value_filters("any", "String", properties=True, isnull=False)
    out.append(("partial_match", "Boolean"))
    for rel in catalogue.relationships(item):
        peer = catalogue.get(rel.peer)
        peer_filters = nested_filters(peer, properties=rel.kind != _GROUP_RELATIONSHIP)
        out += [(f"{rel.name}__{name}", type_) for name, type_ in peer_filters if name not in _PAGINATION_NAMES]
    if item.kind in (IP_PREFIX_GENERIC, IP_ADDRESS_GENERIC):
        out += _IPAM_LISTING
    return out
