"""Hierarchies stay trees: no object becomes its own ancestor."""

from __future__ import annotations

from collections.abc import Mapping

from strata_schema import KindSchema

from .errors import Issues
from .reader import StateReader

__all__ = ["check_hierarchy"]

_MAX_DEPTH = 256


async def _ancestors(reader: StateReader, start: str | None, parent_rel: str) -> list[str]:
    chain: list[str] = []
    current = start
    while current is not None and current not in chain and len(chain) < _MAX_DEPTH:
        chain.append(current)
        found = (await reader.get([current])).get(current)
        parents = found.peers(parent_rel) if found is not None else []
        current = parents[0] if parents else None
    return chain


async def check_hierarchy(
    node: KindSchema,
    node_id: str,
    final: Mapping[str, list[str]],
    changed: set[str],
    reader: StateReader,
    issues: Issues,
) -> None:
    """Refuse a parent or children that would close a loop through `node_id`."""
    parent_rel = next((r for r in node.relationships if r.kind == "Hierarchy" and r.direction == "outbound"), None)
    children_rel = next((r for r in node.relationships if r.kind == "Hierarchy" and r.direction == "inbound"), None)
    touched = {r.name for r in (parent_rel, children_rel) if r is not None} & changed
    if parent_rel is None or not touched:
        return
    parents = final.get(parent_rel.name, [])
    chain = await _ancestors(reader, parents[0] if parents else None, parent_rel.name)
    if node_id in chain:
        issues.add(("data", parent_rel.name), f"{node_id} cannot be its own ancestor in the {node.kind} hierarchy")
    if children_rel is not None and children_rel.name in changed:
        for child in final.get(children_rel.name, []):
            if child == node_id or child in chain:
                issues.add(("data", children_rel.name),
                           f"{child} cannot be a child of {node_id}: it is {node_id} or one of its ancestors")
