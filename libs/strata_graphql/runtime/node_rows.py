"""An object's record as GraphQL reads it: its id, kind, attributes and relationships, decoded."""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["NodeRow", "decoded_row", "node_row"]


class NodeRow(msgspec.Struct, frozen=True):
    """Shared between requests when read by version (`row_versions`): never changed once made."""

    uid: str
    kind: str
    attrs: dict[str, dict[str, Any]]
    rels: dict[str, list[str]]


def decoded_row(uid: str, kind: str, attrs: str | None, rels: str | None) -> NodeRow:
    """A row from a record's fields, `attrs` and `rels` as the graph stores them (JSON)."""
    return NodeRow(uid=uid, kind=kind, attrs=msgspec.json.decode(attrs or "{}"), rels=msgspec.json.decode(rels or "{}"))


def node_row(record: Any) -> NodeRow:
    """A row from a record's `uid`, `kind`, `attrs` and `rels`."""
    return decoded_row(record["uid"], record["kind"], record["attrs"], record["rels"])
