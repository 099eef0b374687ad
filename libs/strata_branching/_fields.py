"""How stored attribute records and peer lists are read and compared (shared by fold and merge)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from strata_events import AttributeValue
from strata_graph.records import RecordState

from .changes import Action

__all__ = [
    "PROPERTIES",
    "exists",
    "ordered_difference",
    "properties_of",
    "property_action",
    "same",
    "to_attribute_value",
]

PROPERTIES: Final = ("value", "is_protected", "is_visible", "source", "owner")
_DEFAULTS: Final[Mapping[str, Any]] = {
    "value": None,
    "is_protected": False,
    "is_visible": True,
    "source": None,
    "owner": None,
}


def exists(state: RecordState | None) -> bool:
    return state is not None and not state.deleted


def properties_of(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Every property of a stored attribute record (defaults filled in); None if absent."""
    if record is None:
        return None
    return {name: record.get(name, _DEFAULTS[name]) for name in PROPERTIES}


def to_attribute_value(props: Mapping[str, Any] | None) -> AttributeValue:
    full = properties_of(props or {})
    assert full is not None
    return AttributeValue(
        value=full["value"],
        is_protected=bool(full["is_protected"]),
        is_visible=bool(full["is_visible"]),
        source=full["source"],
        owner=full["owner"],
    )


def same(a: Any, b: Any) -> bool:
    """Equality that keeps types apart (`1`, `1.0` and `True` differ), as the JSON on the wire does."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def property_action(old: Any, new: Any) -> Action:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "updated"


def ordered_difference(items: Iterable[str], minus: Iterable[str]) -> tuple[str, ...]:
    """`items` not in `minus`, first occurrence order, without repeats."""
    gone = set(minus)
    out: list[str] = []
    for item in items:
        if item not in gone:
            gone.add(item)
            out.append(item)
    return tuple(out)
