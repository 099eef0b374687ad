"""Infrahub-style path identifiers for diff elements, and the conflict ids derived from them.

A conflict id is a UUID computed from the path (which holds the object id), so the same field
in conflict gets the same id on every diff and a resolution stays attached to it.
"""

from __future__ import annotations

import uuid
from typing import Final

__all__ = [
    "EDGE_TYPES",
    "attribute_path",
    "conflict_id",
    "edge_property_path",
    "element_path",
    "node_path",
    "property_path",
    "relationship_path",
]

_CONFLICT_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:strata:branching:conflict")

EDGE_TYPES: Final = {
    "value": "HAS_VALUE",
    "is_protected": "IS_PROTECTED",
    "is_visible": "IS_VISIBLE",
    "source": "HAS_SOURCE",
    "owner": "HAS_OWNER",
    "peer": "IS_RELATED",
}
"""Our property names to the property types Infrahub's diff reports."""


def node_path(node_id: str) -> str:
    return f"data/{node_id}"


def attribute_path(node_id: str, name: str) -> str:
    return f"data/{node_id}/{name}"


def property_path(node_id: str, name: str, prop: str) -> str:
    """The path of one attribute property (`value`, `is_protected`, ...)."""
    if prop == "value":
        return f"data/{node_id}/{name}/value"
    return f"data/{node_id}/{name}/property/{EDGE_TYPES[prop]}"


def relationship_path(node_id: str, name: str, *, one: bool) -> str:
    return f"data/{node_id}/{name}/peer" if one else f"data/{node_id}/{name}"


def element_path(node_id: str, name: str, peer_id: str, *, one: bool) -> str:
    """Cardinality one has a single element, named by the relationship; many names the peer."""
    return f"data/{node_id}/{name}/peer" if one else f"data/{node_id}/{name}/{peer_id}"


def edge_property_path(node_id: str, name: str, peer_id: str, prop: str, *, one: bool) -> str:
    """The path of one property (`is_protected`, ...) of a relationship edge."""
    return f"{element_path(node_id, name, peer_id, one=one)}/property/{EDGE_TYPES[prop]}"


def conflict_id(path: str) -> str:
    return str(uuid.uuid5(_CONFLICT_NAMESPACE, path))
