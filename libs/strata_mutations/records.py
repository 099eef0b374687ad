"""The current state of one object, as the state reader returns it."""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["NodeRecord"]


class NodeRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An object's latest state: attribute records (`value`, `is_protected`, `is_visible`,
    `source`, `owner`) and relationship peers by relationship name."""

    uid: str
    kind: str
    attrs: dict[str, dict[str, Any]] = {}
    rels: dict[str, list[str]] = {}
    # relationship -> peer id -> the edge's properties other than the defaults
    peer_props: dict[str, dict[str, dict[str, Any]]] = {}

    def value(self, attribute: str) -> Any:
        return self.attrs.get(attribute, {}).get("value")

    def peers(self, relationship: str) -> list[str]:
        return list(self.rels.get(relationship, ()))
