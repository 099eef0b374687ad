"""Pages of one kind's current objects read in index order: the cost follows the page, not the kind.

The general list query (`cypher.LIST_RECORDS`) collects every visible record of the kinds and
sorts them, which grows with the graph (100 ms at 10,000 interfaces, seconds at 100,000). For
the common list, the current state of main with no filter and at most one order key, a range
index on `(branch, kind, to_seq, <key>)` holds the open records already in order: Neo4j reads
the first `offset + limit` of them and stops (a `PartialTop` breaks ties by uid). Records with
no value for the key are not in such an index; Cypher orders them last, so they are read after
the indexed ones, by uid.

One index per order property (`rec_open_order_<property>`), created on first use by whoever
reads (an index is a derived structure like the rest of the read model). Until Neo4j reports it
online the general query answers. The query text names the property: it is checked against
`_PROPERTY` first (an identifier from the schema, never a value from a request).
"""

from __future__ import annotations

import asyncio
import re
import time
import weakref
from typing import Any, Final, LiteralString

from neo4j import AsyncDriver, Record

from strata_graph.driver import create_schema_rule, read_records
from strata_graph.records import OPEN

__all__ = ["OrderIndexes", "branch_ordered_page", "order_indexes_for", "ordered_page"]

_PROPERTY: Final = re.compile(r"^v_[a-z][a-z0-9_]*$")
_INDEX_PREFIX: Final = "rec_open_order_"
_REFRESH_S: Final = 5.0

_LIST_INDEXES: Final = """
SHOW RANGE INDEXES YIELD name, state
WHERE name STARTS WITH 'rec_open_order_' OR name STARTS WITH 'rec_order_'
RETURN name, state
"""

# The count and the page in one statement: one round trip, one snapshot.
_PAGE: Final = """
CALL () {
  MATCH (c:Rec {branch: $branch, kind: $kind, to_seq: $open})
  USING INDEX c:Rec(branch, kind, to_seq, deleted, from_seq)
  WHERE c.deleted = false AND c.from_seq < $open  // always true: lets the hint apply
  RETURN count(c) AS total
}
CALL () {
  MATCH (r:Rec {branch: $branch, kind: $kind, to_seq: $open})
  USING INDEX r:Rec(branch, kind, to_seq, %(key)s)
  WHERE r.%(key)s IS NOT NULL AND r.deleted = false
  WITH r ORDER BY r.branch, r.kind, r.to_seq, r.%(key)s, r.uid
  SKIP $offset LIMIT $limit
  RETURN collect({uid: r.uid, kind: r.kind, attrs: r.attrs, rels: r.rels}) AS page
}
RETURN total, page
"""

_NULL_TAIL: Final = """
MATCH (r:Rec {branch: $branch, kind: $kind, to_seq: $open})
WHERE r.%(key)s IS NULL AND r.deleted = false
WITH r ORDER BY r.uid
WITH collect(r) AS rows
RETURN size(rows) AS nulls,
       [x IN rows[$offset..($offset + $limit)] | {uid: x.uid, kind: x.kind, attrs: x.attrs, rels: x.rels}] AS page
"""

_CREATE_OPEN_INDEX: Final = (
    "CREATE INDEX %(name)s IF NOT EXISTS FOR (r:Rec) ON (r.branch, r.kind, r.to_seq, r.%(key)s)"
)
# every version of a kind in key order: a branch's origin is read as of the fork point
_CREATE_VERSIONS_INDEX: Final = "CREATE INDEX %(name)s IF NOT EXISTS FOR (r:Rec) ON (r.branch, r.kind, r.%(key)s)"
_VERSIONS_PREFIX: Final = "rec_order_"

# A branch's current page: its own open records and its origin's records as of the fork point
# that it does not override, each read in index order up to `offset + limit`, merged by Cypher
# (the same ordering rules as the general query). Counted as own + origin's - overridden.
_BRANCH_PAGE: Final = """
CALL () {
  MATCH (c:Rec {branch: $branch, kind: $kind, to_seq: $open})
  USING INDEX c:Rec(branch, kind, to_seq, deleted, from_seq)
  WHERE c.deleted = false AND c.from_seq < $open  // always true: lets the hint apply
  RETURN count(c) AS own
}
CALL () {
  MATCH (c:Rec {branch: $origin, kind: $kind})
  USING INDEX c:Rec(branch, kind, to_seq, deleted, from_seq)
  WHERE c.to_seq > $at AND c.deleted = false AND c.from_seq <= $at
  RETURN count(c) AS base
}
CALL () {
  MATCH (o:Rec {branch: $branch, kind: $kind, to_seq: $open})
  MATCH (b:Rec {uid: o.uid, branch: $origin}) USING INDEX b:Rec(uid, branch, to_seq)
  WHERE b.to_seq > $at AND b.from_seq <= $at AND b.deleted = false
  RETURN count(b) AS hidden
}
CALL () {
  MATCH (r:Rec {branch: $branch, kind: $kind, to_seq: $open})
  USING INDEX r:Rec(branch, kind, to_seq, %(key)s)
  WHERE r.%(key)s IS NOT NULL AND r.deleted = false
  WITH r ORDER BY r.branch, r.kind, r.to_seq, r.%(key)s, r.uid LIMIT $offset + $limit
  RETURN collect({k: r.%(key)s, uid: r.uid, kind: r.kind, attrs: r.attrs, rels: r.rels}) AS mine
}
CALL () {
  MATCH (r:Rec {branch: $origin, kind: $kind})
  USING INDEX r:Rec(branch, kind, %(key)s)
  WHERE r.%(key)s IS NOT NULL AND r.from_seq <= $at AND r.to_seq > $at AND r.deleted = false
    AND NOT EXISTS { MATCH (o:Rec {uid: r.uid, branch: $branch}) USING INDEX o:Rec(uid, branch, to_seq)
                     WHERE o.to_seq = $open }
  WITH r ORDER BY r.branch, r.kind, r.%(key)s, r.uid LIMIT $offset + $limit
  RETURN collect({k: r.%(key)s, uid: r.uid, kind: r.kind, attrs: r.attrs, rels: r.rels}) AS theirs
}
UNWIND mine + theirs AS x
WITH own, base, hidden, x ORDER BY x.k, x.uid SKIP $offset LIMIT $limit
RETURN own + base - hidden AS total, collect(x) AS page
"""


def _text(template: str, key: str, name: str = "") -> LiteralString:
    if not _PROPERTY.match(key):
        raise ValueError(f"not an order property: {key!r}")
    text: LiteralString = template % {"key": key, "name": name}
    return text


class OrderIndexes:
    """Which order properties have an online index, asked of Neo4j at most every few seconds."""

    def __init__(self) -> None:
        self._online: set[str] = set()
        self._requested: set[str] = set()
        self._checked_at = -_REFRESH_S
        self._lock = asyncio.Lock()

    async def usable(self, driver: AsyncDriver, database: str, key: str, *, versions: bool = False) -> bool:
        """True when `key`'s index (with `versions`, also its all-versions index) is online;
        otherwise asks for what is missing (once) and says False."""
        if not _PROPERTY.match(key):
            return False
        wanted = [(_INDEX_PREFIX + key, _CREATE_OPEN_INDEX)]
        if versions:
            wanted.append((_VERSIONS_PREFIX + key, _CREATE_VERSIONS_INDEX))
        if all(name in self._online for name, _ in wanted):
            return True
        async with self._lock:
            if time.monotonic() - self._checked_at >= _REFRESH_S:
                records = await read_records(driver, database, _LIST_INDEXES)
                self._online = {str(r["name"]) for r in records if r["state"] == "ONLINE"}
                self._checked_at = time.monotonic()
            for name, template in wanted:
                if name not in self._online and name not in self._requested:
                    self._requested.add(name)
                    await create_schema_rule(driver, database, _text(template, key, name))
        return all(name in self._online for name, _ in wanted)


_BY_DRIVER: weakref.WeakKeyDictionary[AsyncDriver, OrderIndexes] = weakref.WeakKeyDictionary()


def order_indexes_for(driver: AsyncDriver) -> OrderIndexes:
    """The index registry of one driver's database (readers are per request; this is not)."""
    found = _BY_DRIVER.get(driver)
    if found is None:
        found = _BY_DRIVER[driver] = OrderIndexes()
    return found


async def ordered_page(
    driver: AsyncDriver, database: str, *, branch: str, kind: str, key: str, offset: int, limit: int
) -> tuple[int, list[Record]]:
    """(total, page rows) of `kind`'s open records on `branch`, ordered by `key` then uid
    (missing values last), the same order and rows as the general query's."""
    params: dict[str, Any] = {"branch": branch, "kind": kind, "open": OPEN}
    found = await read_records(driver, database, _text(_PAGE, key), offset=offset, limit=limit, **params)
    total, page = int(found[0]["total"]), list(found[0]["page"])
    if len(page) < limit and offset + len(page) < total:
        # the indexed values ran out: the objects without a value follow, by uid
        tail = await read_records(driver, database, _text(_NULL_TAIL, key), offset=0, limit=total, **params)
        nulls = int(tail[0]["nulls"]) if tail else 0
        valued = total - nulls
        start = max(0, offset - valued)
        page += list(tail[0]["page"])[start : start + limit - len(page)] if tail else []
    return total, page


async def branch_ordered_page(
    driver: AsyncDriver, database: str, *, branch: str, origin: str, at: int, kind: str, key: str, offset: int,
    limit: int,
) -> tuple[int, list[Record]] | None:
    """Like `ordered_page` for a branch's current state over its origin as of `at`; None when
    the page runs into objects without a value for `key` (the caller asks the general query)."""
    params: dict[str, Any] = {"branch": branch, "origin": origin, "at": at, "kind": kind, "open": OPEN}
    found = await read_records(driver, database, _text(_BRANCH_PAGE, key), offset=offset, limit=limit, **params)
    if not found:  # nothing to unwind: no valued object on either side
        return None
    total, page = int(found[0]["total"]), list(found[0]["page"])
    if len(page) < limit and offset + len(page) < total:
        return None
    return total, page
