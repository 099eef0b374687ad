"""Pages of one kind's current objects read in index order: the cost follows the page, not the kind.

The general list query (`cypher.LIST_RECORDS`) collects every visible record of the kinds and
sorts them, which grows with the graph (100 ms at 10,000 interfaces, seconds at 100,000). For
the common list, the current state of main with no filter and at most one order key, a range
index on `(branch, kind, to_seq, <key>, uid)` holds the open records already in the page's
order, ties broken by uid: Neo4j reads the first `offset + limit` entries and stops, however
many objects share a value (at 100,000 objects ~2,000 interfaces are named `Ethernet1`; without
`uid` in the index the first page read all of them to sort the ties). Records with no value for
the key are not in such an index; Cypher orders them last, so they are read after the indexed
ones, by uid.

One index per order property (`rec_open_sorted_<property>`), created on first use by whoever
reads (an index is a derived structure like the rest of the read model). Until Neo4j reports it
online the general query answers. The query text names the property: it is checked against
`_PROPERTY` first (an identifier from the schema, never a value from a request). The same
registry keeps the indexes a lookup by values seeks in (`rec_open_sorted_<property>__<property>`,
see `strata_graph.value_seeks`), also ending in `uid`. Indexes of the earlier layout
(`rec_open_order_…`, without `uid`) are dropped by `drop_superseded_indexes`.
"""

from __future__ import annotations

import asyncio
import re
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Final, LiteralString, NamedTuple

from neo4j import AsyncDriver, Record

from strata_core.recent import keep_recent
from strata_graph.driver import create_schema_rule, read_records
from strata_graph.record_versions import NOTHING_HELD, VERSIONED, Since, VersionedRecord, versioned
from strata_graph.records import OPEN

__all__ = [
    "KEPT", "OrderIndexes", "OrderedPage", "drop_superseded_indexes", "is_value_property", "order_indexes_for",
    "ordered_page", "statement_for_key",
]  # fmt: skip

_PROPERTY: Final = re.compile(r"^v_[a-z][a-z0-9_]*$")
# an index property: an attribute's value (`v_`) or a relationship's peers (`r_`); without `__`,
# which joins the properties in an index name. A `v_` key it accepts `_PROPERTY` accepts too
# (an order key must have a statement).
_INDEX_PROPERTY: Final = re.compile(r"^[vr]_[a-z](?!.*__)[a-z0-9_]*$")
# what follows the prefix in the name of an index this module makes (index properties joined by `__`)
_INDEX_NAME_TAIL: Final = re.compile(r"^[vr]_[a-z0-9_]+$")
_INDEX_PREFIX: Final = "rec_open_sorted_"
_SUPERSEDED_PREFIX: Final = "rec_open_order_"
KEPT: Final = 4096
_REFRESH_S: Final = 5.0
# while an index asked for is being built: until it is online, each lookup by its keys reads
# every record of the kinds (an interface's uniqueness check at 10k interfaces: ~0.5 s in Neo4j)
_PENDING_REFRESH_S: Final = 0.2
_PENDING_FOR_S: Final = 60.0  # an index still not online this long after the ask: back to every 5 s

# the range indexes whose names start with `$prefix` (this module's, or the superseded ones)
_LIST_INDEXES: Final = """
SHOW RANGE INDEXES YIELD name, state
WHERE name STARTS WITH $prefix
RETURN name, state
"""

# The count, the page and the current objects the page points to through the `r_` peer
# properties `$peer_props` in one statement: one round trip. The count reads every index
# entry of the kind (20-24 ms for 96,000 interfaces), so it is skipped when the stream's
# checkpoint is still the one a count was taken at (`$cached_at`; see `OrderIndexes.counts`). The
# checkpoint is read before and after: a count is kept only when both agree, since a
# projector commit in between would move it (reads in a Neo4j transaction see each commit).
_PAGE: Final = """
OPTIONAL MATCH (before:Checkpoint {stream: $stream})
WITH before.seq AS counted_at
CALL (counted_at) {
  WITH counted_at WHERE counted_at IS NULL OR counted_at <> $cached_at
  CALL () {
    MATCH (c:Rec {branch: $branch, kind: $kind, to_seq: $open})
    USING INDEX SEEK c:Rec(branch, kind, to_seq, deleted)
    WHERE c.deleted = false
    RETURN count(c) AS n
  }
  RETURN n AS counted
  UNION
  WITH counted_at WHERE counted_at IS NOT NULL AND counted_at = $cached_at
  RETURN null AS counted
}
CALL () {
  MATCH (r:Rec {branch: $branch, kind: $kind, to_seq: $open})
  USING INDEX SEEK r:Rec(branch, kind, to_seq, %(key)s, uid)
  WHERE r.%(key)s IS NOT NULL AND r.uid IS NOT NULL AND r.deleted = false
  WITH r ORDER BY r.branch, r.kind, r.to_seq, r.%(key)s, r.uid
  SKIP $offset LIMIT $limit
  RETURN collect(r) AS rows
}
CALL (rows) {
  UNWIND rows AS row
  UNWIND $peer_props AS prop
  UNWIND coalesce(row[prop], []) AS id
  WITH DISTINCT id
  MATCH (r:Rec {uid: id, branch: $branch, to_seq: $open}) USING INDEX SEEK r:Rec(uid, branch, to_seq)
  WHERE r.deleted = false
  RETURN collect(%(versioned)s) AS peers
}
OPTIONAL MATCH (after:Checkpoint {stream: $stream})
RETURN counted_at, after.seq AS checked_at, counted,
       [r IN rows | %(versioned)s] AS page, peers
"""

_NULL_TAIL: Final = """
MATCH (r:Rec {branch: $branch, kind: $kind, to_seq: $open})
WHERE r.%(key)s IS NULL AND r.deleted = false
WITH r ORDER BY r.uid
WITH collect(r) AS rows
RETURN size(rows) AS nulls,
       [r IN rows[$offset..($offset + $limit)] | %(versioned)s] AS page
"""

_CREATE_INDEX: Final = (
    "CREATE INDEX %(name)s IF NOT EXISTS FOR (r:Rec) ON (r.branch, r.kind, r.to_seq, %(keys)s, r.uid)"
)


def _create_index(keys: Sequence[str]) -> LiteralString:
    """The statement creating the index on `keys` (checked by the caller: identifiers only)."""
    text: LiteralString = _CREATE_INDEX % {"name": _INDEX_PREFIX + "__".join(keys),
                                           "keys": ", ".join(f"r.{k}" for k in keys)}  # fmt: skip
    return text


def is_value_property(key: str) -> bool:
    """Whether `key` names an attribute's value property (`v_<attribute>`): an order key, and a
    key a value index can seek."""
    return bool(_PROPERTY.match(key))


def statement_for_key(template: str, key: str) -> LiteralString:
    """`template` with the order property `key` (checked to be one) in place."""
    if not is_value_property(key):
        raise ValueError(f"not an order property: {key!r}")
    text: LiteralString = template % {"key": key, "versioned": VERSIONED}
    return text


class OrderIndexes:
    """Which order properties have an online index, asked of Neo4j at most every few seconds;
    and the last count of each kind's current objects with the checkpoint it was taken at."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        # (checkpoint stream, branch, kind) -> (checkpoint, count): see `_PAGE`
        self.counts: OrderedDict[tuple[str, str, str], tuple[int, int]] = OrderedDict()
        # (branch@fork point, kind) -> how many changed objects a branch page merged last time
        # (`strata_graph.branch_pages`)
        self.branch_changes: OrderedDict[tuple[str, str], int] = OrderedDict()
        # (origin, fork point, kind) -> objects of the kind the origin held then (final)
        self.origin_counts: OrderedDict[tuple[str, int, str], int] = OrderedDict()
        # each of the three keeps the `KEPT` entries written last (one per branch and kind
        # listed: a long-lived API would otherwise keep every branch it ever listed)
        self._online: set[str] = set()
        self._requested: dict[str, float] = {}  # index name -> when this process asked for it
        self._clock = clock
        self._checked_at = -_REFRESH_S
        self._lock = asyncio.Lock()

    def total(self, count_key: tuple[str, str, str], cached: tuple[int, int] | None, record: Record, *,
              keep: bool) -> int:  # fmt: skip
        """A page statement's total: the cached count when the statement skipped counting
        (`counted` null), else its count, kept under `count_key` when `keep` and the checkpoint
        it read before and after counting agree."""
        counted, counted_at = record["counted"], record["counted_at"]
        if counted is None:  # the checkpoint is the cached count's
            assert cached is not None
            return cached[1]
        total = int(counted)
        if keep and counted_at is not None and counted_at == record["checked_at"]:
            keep_recent(self.counts, count_key, (int(counted_at), total), KEPT)
        return total

    async def usable(self, driver: AsyncDriver, database: str, key: str, *more: str) -> bool:
        """True when the index on `(branch, kind, to_seq, key, *more, uid)` is online; otherwise asks
        for it (once) and says False. The keys are an order property, or the properties a lookup
        by values names (`strata_graph.value_seeks`)."""
        keys = (key, *more)
        if not all(_INDEX_PROPERTY.match(k) for k in keys):
            return False
        name = "__".join(keys)
        if name in self._online:
            return True
        async with self._lock:
            now = self._clock()
            pending = now - self._requested.get(name, -_PENDING_FOR_S) < _PENDING_FOR_S
            if now - self._checked_at >= (_PENDING_REFRESH_S if pending else _REFRESH_S):
                records = await read_records(driver, database, _LIST_INDEXES, prefix=_INDEX_PREFIX)
                self._online = {str(r["name"])[len(_INDEX_PREFIX) :] for r in records if r["state"] == "ONLINE"}
                self._checked_at = now
            if name not in self._online and name not in self._requested:
                self._requested[name] = now
                await create_schema_rule(driver, database, _create_index(keys))
        return name in self._online


async def drop_superseded_indexes(driver: AsyncDriver, database: str) -> list[str]:
    """Drop the order and lookup indexes of the earlier layout (`rec_open_order_…`, without
    `uid`): nothing reads them any more, and every write would keep them up to date. Returns
    their names."""
    dropped: list[str] = []
    for record in await read_records(driver, database, _LIST_INDEXES, prefix=_SUPERSEDED_PREFIX):
        name = str(record["name"])
        if not _INDEX_NAME_TAIL.match(name[len(_SUPERSEDED_PREFIX) :]):
            continue  # not one this module made: left alone
        statement: LiteralString = "DROP INDEX %s IF EXISTS" % name  # an identifier: checked above
        await driver.execute_query(statement, database_=database)
        dropped.append(name)
    return dropped


_BY_DRIVER: weakref.WeakKeyDictionary[AsyncDriver, OrderIndexes] = weakref.WeakKeyDictionary()


def order_indexes_for(driver: AsyncDriver) -> OrderIndexes:
    """The index registry of one driver's database (readers are per request; this is not)."""
    found = _BY_DRIVER.get(driver)
    if found is None:
        found = _BY_DRIVER[driver] = OrderIndexes()
    return found


class OrderedPage(NamedTuple):
    """A page's records by version, with their content unless older than the `since` the
    reader gave (`strata_graph.record_versions`)."""

    total: int
    rows: list[VersionedRecord]
    # current objects the indexed rows point to through `peers_through` (not those of rows
    # read after the indexed ones: their peers are read like any other)
    peers: list[VersionedRecord]
    # the checkpoints the read started at: the `since` of the next read of the same page (None:
    # no checkpoint streams given)
    read_at: Since | None = None


async def ordered_page(
    driver: AsyncDriver, database: str, *, branch: str, kind: str, key: str, offset: int, limit: int,
    peers_through: Sequence[str] = (), checkpoint_stream: str | None = None, since: Since = NOTHING_HELD,
) -> OrderedPage:
    """`kind`'s open records on `branch`, ordered by `key` then uid (missing values last), the
    same order and rows as the general query's; with the objects they point to through the
    relationships `peers_through`, read in the same statement. `checkpoint_stream`, the stream
    whose projection writes `branch`, lets the total come from the last count while that
    stream's checkpoint has not moved (None: counted every time). Records written at or before
    `since` come without their content (`strata_graph.record_versions`)."""
    params: dict[str, Any] = {"branch": branch, "kind": kind, "open": OPEN}
    registry = order_indexes_for(driver)
    count_key = (checkpoint_stream or "", branch, kind)
    cached = registry.counts.get(count_key) if checkpoint_stream is not None else None
    found = await read_records(driver, database, statement_for_key(_PAGE, key), offset=offset, limit=limit,
                               peer_props=[f"r_{name}" for name in peers_through], stream=checkpoint_stream,
                               cached_at=cached[0] if cached else -1, since=since.own, origin_since=since.origin,
                               **params)  # fmt: skip
    record = found[0]
    total = registry.total(count_key, cached, record, keep=checkpoint_stream is not None)
    page, peers = [versioned(v) for v in record["page"]], [versioned(v) for v in record["peers"]]
    if len(page) < limit and offset + len(page) < total:
        # the indexed values ran out: the objects without a value follow, by uid
        tail = await read_records(driver, database, statement_for_key(_NULL_TAIL, key), offset=0, limit=total,
                                  since=NOTHING_HELD.own, origin_since=NOTHING_HELD.origin, **params)  # fmt: skip
        nulls = int(tail[0]["nulls"]) if tail else 0
        valued = total - nulls
        start = max(0, offset - valued)
        page += [versioned(v) for v in tail[0]["page"][start : start + limit - len(page)]] if tail else []
    # no checkpoint yet: nothing projected, every record written later comes with its content
    read_at = Since(int(record["counted_at"] or 0)) if checkpoint_stream is not None else None
    return OrderedPage(total, page, peers, read_at)
