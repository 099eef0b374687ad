"""What the decision layer needs to read; the service implements it over the read model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from .records import NodeRecord

__all__ = ["StateReader"]


class StateReader(Protocol):
    """Reads the branch's current objects. Deleted objects are never returned.

    `kind` may be a node kind or a generic; a generic matches every kind that implements it.
    """

    async def get(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        """The objects among `ids` that exist, by id; missing ids are left out."""
        ...

    async def find_by_hfid(self, kind: str, hfid: list[str]) -> NodeRecord | None:
        """The object of `kind` whose human-friendly id (as strings) is `hfid`."""
        ...

    async def find_by_values(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        """Objects of `kind` matching every entry of `values`.

        A key naming an attribute matches objects whose attribute value equals the given value;
        a key naming a relationship matches objects having the given id among that
        relationship's peers.
        """
        ...
