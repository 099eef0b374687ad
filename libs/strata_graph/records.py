"""Read-model record values and the constants of the versioning scheme."""

from __future__ import annotations

from typing import Any, Final

import msgspec

__all__ = ["OPEN", "RecordState", "VersionRow"]

# Open records carry this instead of null, so "current" is an equality lookup on an index.
OPEN: Final = 2**62


class RecordState(msgspec.Struct, kw_only=True, gc=False):
    """An object's state as of one version: what a record in the graph holds."""

    kind: str
    deleted: bool = False
    attrs: dict[str, dict[str, Any]] = {}
    rels: dict[str, list[str]] = {}
    # relationship -> peer id -> the edge's properties that are not the default (`peer_properties`)
    peer_props: dict[str, dict[str, dict[str, Any]]] = {}


class VersionRow(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One record to create: the state of `uid` valid over [from_seq, to_seq)."""

    uid: str
    kind: str
    from_seq: int
    to_seq: int
    deleted: bool
    attrs: str  # JSON
    rels: str  # JSON
    values: dict[str, Any]  # flattened attribute values (`v_<name>`) for filters and sorting
    rprops: str | None = None  # JSON: the edges' properties (`peer_properties`), None when none has any
