"""Bounded least-recently-used maps kept in an `OrderedDict` (the caches of parsed documents,
schemas and generated GraphQL schemas)."""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

__all__ = ["keep_recent"]

_K = TypeVar("_K")
_V = TypeVar("_V")


def keep_recent(entries: OrderedDict[_K, _V], key: _K, value: _V, maxsize: int) -> None:
    """`key` as the most recently used entry of `entries`, the least recent dropped past `maxsize`."""
    entries[key] = value
    entries.move_to_end(key)
    if len(entries) > maxsize:
        entries.popitem(last=False)
