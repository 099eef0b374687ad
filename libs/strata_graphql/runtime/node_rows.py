"""An object's record as GraphQL reads it: its id, kind, attributes and relationships, decoded."""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["NodeRow", "node_row"]


class NodeRow(msgspec.Struct, frozen=True):
    """Shared between requests when read by version (`row_versions`): never changed once made."""

    uid: str
    kind: str
    attrs: dict[str, dict[str, Any]]
    rels: dict[str, list[str]]


def node_row(record: Any) -> NodeRow:
    """A row from a record's `uid`, `kind` and JSON `attrs` and `rels`."""
    return NodeRow(
        uid=record["uid"],
        kind=record["kind"],
        attrs=msgspec.json.decode(record["attrs"] or "{}"),
        rels=msgspec.json.decode(record["rels"] or "{}"),
    )
