"""Vocabulary of the schema language: enumerations, name rules and reserved words."""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = [
    "ATTRIBUTE_KINDS",
    "AllowOverride",
    "AttributeKind",
    "BranchSupport",
    "Cardinality",
    "ComputedKind",
    "DEFAULT_IP_NAMESPACE_KIND",
    "FILE_OBJECT_KIND",
    "Direction",
    "Display",
    "GROUP_KIND",
    "KIND_REGEX",
    "LINEAGE_KINDS",
    "NAMESPACE_REGEX",
    "NAME_REGEX",
    "NODE_KIND",
    "NODE_NAME_REGEX",
    "OBJECT_TEMPLATE_KIND",
    "OBJECT_TEMPLATE_RELATIONSHIP",
    "OnDelete",
    "PROFILE_KIND",
    "RESERVED_FIELD_NAMES",
    "RESERVED_GENERIC_FIELD_NAMES",
    "RESTRICTED_NAMESPACES",
    "RelationshipKind",
    "SUPPORTED_VERSIONS",
    "State",
]

AttributeKind = Literal[
    "ID",
    "Dropdown",
    "Text",
    "TextArea",
    "DateTime",
    "Email",
    "Password",
    "HashedPassword",
    "URL",
    "File",
    "MacAddress",
    "Color",
    "Number",
    "NumberPool",
    "Bandwidth",
    "IPHost",
    "IPNetwork",
    "IPAddress",
    "Boolean",
    "Checkbox",
    "List",
    "JSON",
    "Any",
]
ATTRIBUTE_KINDS: Final[tuple[str, ...]] = get_args(AttributeKind)

BranchSupport = Literal["aware", "agnostic", "local"]
RelationshipKind = Literal[
    "Generic", "Attribute", "Component", "Parent", "Group", "Hierarchy", "Profile", "Template"
]
Cardinality = Literal["one", "many"]
Direction = Literal["bidirectional", "outbound", "inbound"]
OnDelete = Literal["no-action", "cascade"]
AllowOverride = Literal["none", "any"]
State = Literal["present", "absent"]
Display = Literal["default", "extra"]
ComputedKind = Literal["User", "Jinja2", "TransformPython"]

SUPPORTED_VERSIONS: Final[tuple[str, ...]] = ("1.0",)

# Infrahub's name rules, as its write contract states them.
NODE_NAME_REGEX: Final = r"^[A-Z][a-zA-Z0-9]+$"
NAMESPACE_REGEX: Final = r"^[A-Z][a-z0-9]+$"
NAME_REGEX: Final = r"^[a-z0-9\_]+$"
KIND_REGEX: Final = r"^[A-Z][a-zA-Z0-9]+$"

# Namespaces a user schema may not declare kinds in: they belong to the system.
RESTRICTED_NAMESPACES: Final[frozenset[str]] = frozenset(
    {
        "Account",
        "Branch",
        "Core",
        "Deprecated",
        "Diff",
        "Infrahub",
        "Internal",
        "Lineage",
        "Schema",
        "Profile",
        "Template",
    }
)

# Field names that collide with the client's own attributes and methods.
RESERVED_FIELD_NAMES: Final[frozenset[str]] = frozenset(
    {
        "any",
        "attribute",
        "attributes",
        "attr",
        "attrs",
        "relationship",
        "relationships",
        "rel",
        "rels",
        "save",
        "hfid",
        "process_pools",
    }
)
RESERVED_GENERIC_FIELD_NAMES: Final[frozenset[str]] = frozenset({"type"})

NODE_KIND: Final = "CoreNode"
GROUP_KIND: Final = "CoreGroup"
PROFILE_KIND: Final = "CoreProfile"
OBJECT_TEMPLATE_KIND: Final = "CoreObjectTemplate"
# The generic of kinds whose objects hold a file, uploaded with their create or update.
FILE_OBJECT_KIND: Final = "CoreFileObject"
# the relationship a node with templates has to the template it was made from
OBJECT_TEMPLATE_RELATIONSHIP: Final = "object_template"
LINEAGE_KINDS: Final[frozenset[str]] = frozenset({"LineageOwner", "LineageSource"})
DEFAULT_IP_NAMESPACE_KIND: Final = "IpamNamespace"
