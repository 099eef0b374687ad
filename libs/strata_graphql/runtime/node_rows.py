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
    # relationship -> peer id -> the edge's properties other than the defaults (`strata_events.peer_properties`)
    peer_props: dict[str, dict[str, dict[str, Any]]] = {}


def decoded_row(uid: str, kind: str, attrs: str | None, rels: str | None, rprops: str | None = None) -> NodeRow:
    """A row from a record's fields, `attrs`, `rels` and `rprops` as the graph stores them (JSON)."""
    return NodeRow(uid=uid, kind=kind, attrs=msgspec.json.decode(attrs or "{}"), rels=msgspec.json.decode(rels or "{}"),
                   peer_props=msgspec.json.decode(rprops) if rprops else {})  # fmt: skip


def node_row(record: Any) -> NodeRow:
    """A row from a record's `uid`, `kind`, `attrs`, `rels` and `rprops`."""
    return decoded_row(record["uid"], record["kind"], record["attrs"], record["rels"], record.get("rprops"))
