"""`offset`/`limit` arguments applied to a list a root field has worked out whole."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

__all__ = ["page_of"]

T = TypeVar("T")


def page_of(items: Sequence[T], args: Mapping[str, Any]) -> Sequence[T]:
    """The items from `offset` (default 0) for `limit` (default: all); negatives count as 0."""
    offset = max(int(args.get("offset") or 0), 0)
    limit = args.get("limit")
    return items[offset:] if limit is None else items[offset : offset + max(int(limit), 0)]
