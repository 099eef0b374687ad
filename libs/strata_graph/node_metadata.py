"""When an object was made and last changed in a view, and by whom: read from the `Commit` of
the mutation that wrote the first and the latest of its records the view sees.

A record's `from_seq` is the sequence of its mutation's head message, which is the `Commit`'s
`seq`, so each lookup is an index seek. The origin's records count as of the view's bound for
the object's kind (the fork point, or now for a branch-agnostic kind); the branch's own as of
the view's own sequence. An object the origin held is "made" there; its latest change is the
branch's own if the branch changed it. A merge writes the branch's changes on main as main's
own mutation: on main, an object a merge brought is made by that merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import msgspec
from neo4j import AsyncDriver

from strata_graph.driver import read_records
from strata_graph.views import View

__all__ = ["NodeMetadataRow", "iso_time", "read_node_metadata"]

_NODE_METADATA: Final = """
UNWIND $rows AS row
CALL (row) {  // aggregates: one row even when nothing matches
  MATCH (o:Rec {uid: row[0], branch: $origin}) USING INDEX SEEK o:Rec(uid, branch, to_seq)
  WHERE o.to_seq > 0 AND o.from_seq <= row[1]
  RETURN min(o.from_seq) AS o_first, max(o.from_seq) AS o_last
}
CALL (row) {
  MATCH (b:Rec {uid: row[0], branch: $branch}) USING INDEX SEEK b:Rec(uid, branch, to_seq)
  WHERE b.to_seq > 0 AND b.from_seq <= $own_seq
  RETURN min(b.from_seq) AS b_first, max(b.from_seq) AS b_last
}
WITH row[0] AS uid,
     CASE WHEN o_first IS NULL THEN $branch ELSE $origin END AS made_on, coalesce(o_first, b_first) AS made_seq,
     CASE WHEN b_last IS NULL THEN $origin ELSE $branch END AS changed_on, coalesce(b_last, o_last) AS changed_seq
OPTIONAL MATCH (made:Commit {branch: made_on, seq: made_seq})
OPTIONAL MATCH (changed:Commit {branch: changed_on, seq: changed_seq})
RETURN uid, made.time AS created_at, made.actor AS created_by, changed.time AS updated_at, changed.actor AS updated_by
"""


class NodeMetadataRow(msgspec.Struct, frozen=True, kw_only=True):
    """ISO 8601 times and the actors (account ids, or `system`) of the two mutations."""

    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None


def iso_time(value: Any) -> str | None:
    """A `Commit`'s time (a Neo4j DateTime, or None) as ISO 8601."""
    return None if value is None else str(value.to_native().isoformat())


async def read_node_metadata(
    driver: AsyncDriver, database: str, view: View, objects: Sequence[tuple[str, str]]
) -> dict[str, NodeMetadataRow]:
    """The metadata of `objects` (id, kind) in `view`, one statement for all; an id the view
    holds no record of is left out."""
    if not objects:
        return {}
    records = await read_records(driver, database, _NODE_METADATA, rows=view.origin_bounds(objects),
                                 branch=view.branch, origin=view.origin, own_seq=view.own_seq)  # fmt: skip
    return {
        str(r["uid"]): NodeMetadataRow(
            created_at=iso_time(r["created_at"]), created_by=r["created_by"],
            updated_at=iso_time(r["updated_at"]), updated_by=r["updated_by"],
        )  # fmt: skip
        for r in records
        if r["created_at"] is not None or r["updated_at"] is not None
    }
