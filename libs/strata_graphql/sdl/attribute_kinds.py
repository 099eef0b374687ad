"""How each attribute kind appears in GraphQL: its object type, its mutation inputs, its filter scalar.

The tables are data so that resolvers can look up, from the same source, which type an attribute
field returns. The attribute object types and inputs are written from these tables as SDL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ._text import Arg, block, field

__all__ = [
    "ATTRIBUTE_GRAPHQL",
    "ATTRIBUTE_INPUTS",
    "ATTRIBUTE_TYPES",
    "AttributeGraphQL",
    "attribute_definitions",
    "attribute_graphql",
]


@dataclass(frozen=True, slots=True)
class AttributeGraphQL:
    """The GraphQL names an attribute of one kind uses."""

    query_type: str
    create_input: str
    update_input: str
    filter_scalar: str


def _entry(query_type: str, inputs: str, filter_scalar: str) -> AttributeGraphQL:
    return AttributeGraphQL(query_type, f"{inputs}AttributeCreate", f"{inputs}AttributeUpdate", filter_scalar)


_TEXT: Final = _entry("TextAttribute", "Text", "String")

ATTRIBUTE_GRAPHQL: Final[Mapping[str, AttributeGraphQL]] = {
    "ID": _TEXT,
    "Text": _TEXT,
    "TextArea": _TEXT,
    "DateTime": _entry("TextAttribute", "Text", "DateTime"),
    "Email": _TEXT,
    "Password": _TEXT,
    "HashedPassword": _TEXT,
    "URL": _TEXT,
    "File": _TEXT,
    "MacAddress": _entry("MacAddress", "Text", "String"),
    "Color": _TEXT,
    "Dropdown": _entry("Dropdown", "Text", "String"),
    "Number": _entry("NumberAttribute", "Number", "BigInt"),
    "NumberPool": _entry("NumberAttribute", "Number", "BigInt"),
    "Bandwidth": _entry("NumberAttribute", "Number", "Int"),
    "IPHost": _entry("IPHost", "Text", "String"),
    "IPNetwork": _entry("IPNetwork", "Text", "String"),
    "Boolean": _entry("CheckboxAttribute", "Checkbox", "Boolean"),
    "Checkbox": _entry("CheckboxAttribute", "Checkbox", "Boolean"),
    "List": _entry("ListAttribute", "List", "GenericScalar"),
    "JSON": _entry("JSONAttribute", "JSON", "GenericScalar"),
    "Any": _entry("AnyAttribute", "Any", "GenericScalar"),
}
"""Attribute kind -> GraphQL names. Every kind of `strata_schema.constants.ATTRIBUTE_KINDS` is here."""

# The `any` filter of a top-level query and unknown kinds use plain strings.
_DEFAULT: Final = _TEXT


def attribute_graphql(kind: str) -> AttributeGraphQL:
    return ATTRIBUTE_GRAPHQL.get(kind, _DEFAULT)


# Object types: the fields besides the shared ones, `value` first.
ATTRIBUTE_TYPES: Final[Mapping[str, tuple[Arg, ...]]] = {
    "TextAttribute": (("value", "String"),),
    "Dropdown": (("value", "String"), ("label", "String"), ("color", "String"), ("description", "String")),
    "MacAddress": (
        ("value", "String"),
        ("oui", "String"),
        ("ei", "String"),
        ("version", "Int"),
        ("binary", "String"),
        ("eui48", "String"),
        ("eui64", "String"),
        ("bare", "String"),
        ("dot_notation", "String"),
        ("semicolon_notation", "String"),
        ("split_notation", "String"),
    ),
    "NumberAttribute": (("value", "BigInt"),),
    "IPHost": (
        ("value", "String"),
        ("ip", "String"),
        ("hostmask", "String"),
        ("netmask", "String"),
        ("prefixlen", "Int"),
        ("version", "Int"),
        ("with_hostmask", "String"),
        ("with_netmask", "String"),
    ),
    "IPNetwork": (
        ("value", "String"),
        ("broadcast_address", "String"),
        ("hostmask", "String"),
        ("netmask", "String"),
        ("prefixlen", "Int"),
        ("num_addresses", "Int"),
        ("version", "Int"),
        ("with_hostmask", "String"),
        ("with_netmask", "String"),
    ),
    "CheckboxAttribute": (("value", "Boolean"),),
    "ListAttribute": (("value", "GenericScalar"),),
    "JSONAttribute": (("value", "GenericScalar"),),
    "AnyAttribute": (("value", "GenericScalar"),),
    "StrAttribute": (("value", "String"),),
    "IntAttribute": (("value", "Int"),),
    "BoolAttribute": (("value", "Boolean"),),
}

# Mutation inputs, by the prefix of `<prefix>AttributeCreate` / `<prefix>AttributeUpdate`.
ATTRIBUTE_INPUTS: Final[Mapping[str, tuple[Arg, ...]]] = {
    "Text": (("value", "String"),),
    "String": (("value", "String"),),
    "Number": (("value", "BigInt"), ("from_pool", "GenericPoolInput")),
    "Int": (("value", "Int"),),
    "Checkbox": (("value", "Boolean"),),
    "Bool": (("value", "Boolean"),),
    "List": (("value", "GenericScalar"),),
    "JSON": (("value", "GenericScalar"),),
    "Any": (("value", "GenericScalar"),),
}

_INTERFACE_FIELDS: Final[tuple[Arg, ...]] = (
    ("is_default", "Boolean"),
    ("is_inherited", "Boolean"),
    ("is_protected", "Boolean"),
    ("is_visible", "Boolean"),
    ("updated_at", "DateTime"),
)
_OBJECT_FIELDS: Final[tuple[Arg, ...]] = (
    ("id", "String"),
    ("is_from_profile", "Boolean"),
    ("permissions", "PermissionType"),
)
# Lineage and authorship point at core kinds, so these types only exist next to the kinds.
_LINEAGE_FIELDS: Final[tuple[Arg, ...]] = (
    ("source", "LineageSource"),
    ("owner", "LineageOwner"),
    ("updated_by", "CoreGenericAccount"),
)
_CREATE_FIELDS: Final[tuple[Arg, ...]] = (
    ("is_visible", "Boolean"),
    ("is_protected", "Boolean"),
    ("source", "String"),
    ("owner", "String"),
)
_UPDATE_FIELDS: Final[tuple[Arg, ...]] = (("is_default", "Boolean"), *_CREATE_FIELDS)


def attribute_definitions() -> list[str]:
    """The SDL of every attribute object type and every attribute mutation input."""
    out: list[str] = []
    for name, extra in ATTRIBUTE_TYPES.items():
        fields = [*_INTERFACE_FIELDS, *_OBJECT_FIELDS, *extra, *_LINEAGE_FIELDS]
        out.append(block(
            "type", name, [field(n, t) for n, t in fields],
            implements=("AttributeInterface",),
        ))
    for prefix, extra in ATTRIBUTE_INPUTS.items():
        out.append(block("input", f"{prefix}AttributeCreate", [field(n, t) for n, t in (*_CREATE_FIELDS, *extra)]))
        out.append(block("input", f"{prefix}AttributeUpdate", [field(n, t) for n, t in (*_UPDATE_FIELDS, *extra)]))
    return out
