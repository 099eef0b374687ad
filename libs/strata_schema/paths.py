"""Schema paths such as `name__value` or `owner__name__value`, and where each kind of path is allowed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import msgspec

from .model import KindSchema, NodeSchema

__all__ = ["PATH_RULES", "PathRule", "attribute_properties", "path_error"]

_BASE_PROPERTIES: Final = frozenset({"value", "is_default", "source", "owner", "is_protected", "is_visible"})
_EXTRA_PROPERTIES: Final[dict[str, frozenset[str]]] = {
    "Dropdown": frozenset({"label", "color", "description"}),
    "IPHost": frozenset({"version", "binary_address", "prefixlen", "ip", "netmask", "hostmask"}),
    "IPAddress": frozenset({"version", "binary_address", "prefixlen", "ip", "netmask", "hostmask"}),
    "IPNetwork": frozenset(
        {"version", "binary_address", "prefixlen", "netmask", "hostmask", "network_address",
         "broadcast_address", "num_addresses"}
    ),
}
_IP_GENERICS: Final = frozenset({"BuiltinIPAddress", "BuiltinIPPrefix"})


def attribute_properties(attribute_kind: str) -> frozenset[str]:
    """The properties a path may end with for an attribute of this kind."""
    return _BASE_PROPERTIES | _EXTRA_PROPERTIES.get(attribute_kind, frozenset())


class PathRule(msgspec.Struct, frozen=True, kw_only=True):
    attribute_with_property: bool = True
    attribute_alone: bool = False
    relationship_alone: bool = False
    relationship_attribute_with_property: bool = False
    relationship_attribute_alone: bool = False
    optional_relationship: bool = False
    many_relationship: bool = False


PATH_RULES: Final[dict[str, PathRule]] = {
    "uniqueness_constraints": PathRule(relationship_alone=True),
    "human_friendly_id": PathRule(relationship_attribute_with_property=True, relationship_attribute_alone=True),
    "display_labels": PathRule(attribute_alone=True),
    "display_label": PathRule(attribute_alone=True),
    "default_filter": PathRule(attribute_alone=True),
    "order_by": PathRule(relationship_attribute_with_property=True, optional_relationship=True),
}


def _ip_namespace_exception(item: KindSchema, relationship: str) -> bool:
    """IP addresses and prefixes may name their optional `ip_namespace` in identifying paths."""
    if relationship != "ip_namespace":
        return False
    if item.kind in _IP_GENERICS:
        return True
    return isinstance(item, NodeSchema) and bool(_IP_GENERICS & set(item.inherit_from))


def _property_error(kind: str, attribute: str, attribute_kind: str, prop: str) -> str | None:
    allowed = attribute_properties(attribute_kind)
    if prop in allowed:
        return None
    return f"{prop!r} is not a property of {kind}.{attribute} (use one of {sorted(allowed)})"


def path_error(
    path: str, item: KindSchema, kinds: Mapping[str, KindSchema], rule: PathRule
) -> str | None:
    """Why `path` is not valid on `item` under `rule`, or None if it is."""
    parts = path.split("__")
    kind = item.kind
    attr = item.attribute(parts[0])
    if attr is not None:
        if len(parts) == 1:
            return None if rule.attribute_alone else f"{path!r} must end with a property, e.g. {path}__value"
        if len(parts) > 2:
            return f"{path!r} has too many parts for an attribute path"
        return _property_error(kind, attr.name, attr.kind, parts[1])
    rel = item.relationship(parts[0])
    if rel is None:
        return f"{parts[0]!r} is not an attribute or relationship of {kind}"
    if not (rule.relationship_alone or rule.relationship_attribute_alone or rule.relationship_attribute_with_property):
        return f"{path!r}: only attributes can be used here, not relationships"
    if rel.cardinality == "many" and not rule.many_relationship:
        return f"{path!r}: relationship {rel.name!r} must be of cardinality one"
    if rel.optional and not rule.optional_relationship and not _ip_namespace_exception(item, rel.name):
        return f"{path!r}: relationship {rel.name!r} must be mandatory"
    if len(parts) == 1:
        return None if rule.relationship_alone else f"{path!r} must name an attribute of the related {rel.peer}"
    if not (rule.relationship_attribute_alone or rule.relationship_attribute_with_property):
        return f"{path!r}: only the relationship itself can be used here, not the attributes of {rel.peer}"
    peer = kinds.get(rel.peer)
    if peer is None:
        return f"{path!r}: peer {rel.peer!r} is not a known kind"
    peer_attr = peer.attribute(parts[1])
    if peer_attr is None:
        return f"{path!r}: {parts[1]!r} is not an attribute of {rel.peer}"
    if len(parts) == 2:
        return None if rule.relationship_attribute_alone else f"{path!r} must end with a property"
    if len(parts) > 3:
        return f"{path!r} has too many parts for a relationship path"
    return _property_error(rel.peer, peer_attr.name, peer_attr.kind, parts[2])
