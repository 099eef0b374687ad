"""The shape of an object input: which keys it may hold and how its relationships are read."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from strata_schema import KindSchema

from ._peers import PeerRef, parse_refs
from .errors import Issues

__all__ = ["refuse_unknown", "relationship_refs"]


def refuse_unknown(node: KindSchema, data: Mapping[str, Any], extra: Collection[str], issues: Issues) -> None:
    """Every key must be a field of the kind, or one of `extra` (`id`, `hfid`)."""
    known = set(node.field_names) | set(extra)
    for key in data:
        if key not in known:
            issues.add(("data", key), f"{key} is not a valid input for {node.kind}")


def relationship_refs(node: KindSchema, data: Mapping[str, Any], issues: Issues) -> dict[str, list[PeerRef]]:
    """The peers named for each relationship the input sets; refused inputs are left out."""
    refs: dict[str, list[PeerRef]] = {}
    for rel in node.relationships:
        if rel.name not in data:
            continue
        if rel.read_only:
            issues.add(("data", rel.name), f"{rel.name} is read-only and cannot be set")
            continue
        parsed = parse_refs(rel, data[rel.name], ("data", rel.name), issues)
        if parsed is not None:
            refs[rel.name] = parsed
    return refs
