"""Uniqueness constraints (and `unique` attributes, which the schema turns into constraints)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from typing import Any

from strata_events import AttributeValue
from strata_schema import BranchSchema, KindSchema

from ._kinds import uniqueness_scope
from .errors import Issues
from .reader import StateReader
from .records import NodeRecord

__all__ = ["check_uniqueness"]


def _values(
    node: KindSchema,
    constraint: tuple[str, ...],
    attributes: Mapping[str, AttributeValue],
    relationships: Mapping[str, list[str]],
) -> dict[str, Any] | None:
    """What the object holds for each element; None when an element is not a value or a peer."""
    values: dict[str, Any] = {}
    for path in constraint:
        name, _, prop = path.partition("__")
        if node.attribute(name) is not None:
            if prop not in ("", "value"):
                return None  # only values are compared; other attribute properties are not indexed
            values[name] = attributes.get(name, AttributeValue()).value
        else:
            peers = relationships.get(name, [])
            values[name] = peers[0] if peers else None
    return values


async def check_uniqueness(
    schema: BranchSchema,
    node: KindSchema,
    node_id: str,
    attributes: Mapping[str, AttributeValue],
    relationships: Mapping[str, list[str]],
    changed: set[str] | None,
    reader: StateReader,
    issues: Issues,
) -> None:
    """Refuse values another object already holds. `changed` limits the check to the constraints
    that involve a field the input sets (None: all of them, for a new object)."""
    checked: list[tuple[list[str], Awaitable[list[NodeRecord]]]] = []
    for constraint in node.uniqueness_constraints or ():
        fields = [path.split("__")[0] for path in constraint]
        if changed is not None and not changed.intersection(fields):
            continue
        values = _values(node, constraint, attributes, relationships)
        # A constraint holds trivially while one of its values is missing.
        if values is None or any(v is None for v in values.values()):
            continue
        checked.append((fields, reader.find_by_values(uniqueness_scope(schema, node, constraint), values)))
    # the constraints' lookups are independent: one round trip to the graph for all of them (a
    # lone lookup is awaited as it is: a task costs more than a read the reader answers itself)
    if len(checked) == 1:
        found = [await checked[0][1]]
    else:
        found = await asyncio.gather(*(lookup for _, lookup in checked))
    for (fields, _), matches in zip(checked, found, strict=True):
        if any(m.uid != node_id for m in matches):
            first = fields[0]
            where = ("data", first, "value") if node.attribute(first) is not None else ("data", first)
            issues.add(where, f"Violates uniqueness constraint '{'-'.join(fields)}'")
