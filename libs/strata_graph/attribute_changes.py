"""When each attribute of an object, and each of its links to a peer, last changed in a view,
and by whom: read from the versions of the object the view sees and the `Commit` of each.

An attribute changed at the oldest version of the last run of versions in which it (its value
and properties) stayed the same; a link, at the oldest of the last run holding the peer. The
view's versions run in time: the origin's up to the bound for the object's kind (the fork
point, or now for a branch-agnostic kind), then the branch's own up to its sequence. Read only
when a document selects an attribute's `updated_at` or `updated_by` (infrahub-sdk asks for
`updated_at` with `property=True`), or a relationship edge's `relationship_metadata`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import msgspec
from neo4j import AsyncDriver

from strata_graph.driver import read_records
from strata_graph.node_metadata import iso_time
from strata_graph.views import View

__all__ = ["AttributeChange", "ObjectChanges", "changes_of_versions", "read_attribute_changes"]

_VERSIONS: Final = """
UNWIND $rows AS row
CALL (row) {
  MATCH (o:Rec {uid: row[0], branch: $origin}) USING INDEX SEEK o:Rec(uid, branch, to_seq)
  WHERE o.to_seq > 0 AND o.from_seq <= row[1]
  RETURN o AS v, 0 AS side
  UNION
  MATCH (b:Rec {uid: row[0], branch: $branch}) USING INDEX SEEK b:Rec(uid, branch, to_seq)
  WHERE b.to_seq > 0 AND b.from_seq <= $own_seq
  RETURN b AS v, 1 AS side
}
OPTIONAL MATCH (c:Commit {branch: v.branch, seq: v.from_seq})
RETURN row[0] AS uid, collect([side, v.from_seq, v.attrs, c.time, c.actor, v.rels]) AS versions
"""


class AttributeChange(msgspec.Struct, frozen=True):
    """The last change of one attribute: its time (ISO 8601) and actor (an account id, or `system`)."""

    at: str | None
    by: str | None


class ObjectChanges(msgspec.Struct, frozen=True):
    attributes: dict[str, AttributeChange]
    links: dict[tuple[str, str], AttributeChange]  # (relationship, peer id) -> its last change


def _change(version: Sequence[Any]) -> AttributeChange:
    return AttributeChange(at=iso_time(version[3]), by=version[4])


def changes_of_versions(versions: Sequence[Sequence[Any]]) -> ObjectChanges:
    """Each attribute and each link of the latest of `versions` ([side, seq, attrs JSON, time,
    actor, rels JSON], in any order) with the change that gave it its current state."""
    ordered = sorted(versions, key=lambda v: (v[0], v[1]))
    if not ordered:
        return ObjectChanges(attributes={}, links={})
    states = [msgspec.json.decode(v[2] or "{}") for v in ordered]
    attributes: dict[str, AttributeChange] = {}
    for name, current in states[-1].items():
        first = len(states) - 1
        while first > 0 and states[first - 1].get(name) == current:
            first -= 1
        attributes[name] = _change(ordered[first])
    peers = [msgspec.json.decode(v[5] or "{}") if len(v) > 5 else {} for v in ordered]
    links: dict[tuple[str, str], AttributeChange] = {}
    for name, held in peers[-1].items():
        for peer in held:
            first = len(peers) - 1
            while first > 0 and peer in peers[first - 1].get(name, ()):
                first -= 1
            links[(name, peer)] = _change(ordered[first])
    return ObjectChanges(attributes=attributes, links=links)


async def read_attribute_changes(
    driver: AsyncDriver, database: str, view: View, objects: Sequence[tuple[str, str]]
) -> dict[str, ObjectChanges]:
    """The attribute and link changes of `objects` (id, kind) in `view`, one statement for all."""
    if not objects:
        return {}
    records = await read_records(driver, database, _VERSIONS, rows=view.origin_bounds(objects),
                                 branch=view.branch, origin=view.origin, own_seq=view.own_seq)  # fmt: skip
    return {str(r["uid"]): changes_of_versions(r["versions"]) for r in records}
