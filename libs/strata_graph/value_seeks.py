"""Which current objects hold given values, read by index seeks: the cost follows the values
asked, not the size of the kind.

A uniqueness check asks whether a stored object already holds a tuple of values (an interface's
device and name, an address and its namespace). The general filtered read (`cypher.LIST_RECORDS`)
and the bulk path's `cypher.HOLDERS_OF_VALUES` test every record of the kinds: at 100,000
objects each check read ~96,000 interfaces, and one check's value alone (a name such as
`Ethernet1`) matches thousands of them. A range index on `(branch, kind, to_seq, <keys>, uid)`
finds the holders of each tuple directly (`uid` ends every index of `ordered_pages`' registry,
for the pages' order). Every lookup by values of the mutation layer asks here
first (`GraphStateReader.stored_holders`): uniqueness, a peer's default filter, an upsert's
lookup, the references to an object being deleted.

Only the current state of a branch's own records is in such an index (`to_seq` open), so the
caller asks only for a view of the current state of a branch without an origin (main), and
only with single values: an attribute's value, or the one peer of a relationship of
cardinality one, which a record stores as a one-element list. Until Neo4j reports the index
online (it is created on first use, `OrderIndexes.usable`), `holders_by_seek` answers None and
the caller reads the general way. On the current state of a branch, `branch_holders_by_seek`
gives a superset of the holders (the branch's open records, the origin's, and the origin's
records valid at the fork and closed since), for a read by id to settle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Final, LiteralString

from neo4j import AsyncDriver, Record

from strata_graph.driver import read_records
from strata_graph.ordered_pages import order_indexes_for
from strata_graph.records import OPEN

__all__ = ["branch_holders_by_seek", "holders_by_seek"]

_HOLDERS: Final = """
UNWIND $kinds AS kind
UNWIND $tuples AS t
MATCH (r:Rec {branch: $branch, kind: kind, to_seq: $open})
USING INDEX SEEK r:Rec(branch, kind, to_seq, %(keys)s, uid)
WHERE %(equal)s AND r.uid IS NOT NULL AND r.deleted = false
RETURN collect({uid: r.uid, kind: r.kind, attrs: r.attrs, rels: r.rels, rprops: r.rprops}) AS rows
"""


def _statement(keys: Sequence[str]) -> LiteralString:
    """`_HOLDERS` for `keys` (identifiers `OrderIndexes.usable` accepted, never request values)."""
    equal = " AND ".join(f"r.{k} = t[{i}]" for i, k in enumerate(keys))
    text: LiteralString = _HOLDERS % {"keys": ", ".join(keys), "equal": equal}
    return text


async def holders_by_seek(
    driver: AsyncDriver, database: str, *, branch: str, kinds: Sequence[str], keys: Sequence[str],
    tuples: Sequence[Sequence[Any]],
) -> list[Record] | None:
    """The current objects of `kinds` on `branch` whose properties `keys` hold one of `tuples`
    (each in the order of `keys`), as rows of uid, kind, attrs and rels; None while the index
    on `keys` is not online (or `keys` are not index properties)."""
    if not keys or not await order_indexes_for(driver).usable(driver, database, *keys):
        return None
    if not tuples or not kinds:
        return []
    records = await read_records(driver, database, _statement(keys), branch=branch, kinds=list(kinds),
                                 tuples=[list(t) for t in tuples], open=OPEN)  # fmt: skip
    rows: list[Record] = records[0]["rows"]
    return rows


# The origin's records of `$kinds` valid at the fork and closed since (so in no index of open
# records) holding one of `$values` under `$key`: as many as the origin changed since the fork.
_CLOSED_SINCE_FORK: Final = """
UNWIND $kinds AS kind
MATCH (r:Rec {branch: $origin, kind: kind}) USING INDEX SEEK r:Rec(branch, kind, to_seq)
WHERE r.to_seq > $fork_seq AND r.to_seq < $open AND r.from_seq <= $fork_seq AND r[$key] IN $values
RETURN collect(r.uid) AS uids
"""


async def branch_holders_by_seek(
    driver: AsyncDriver, database: str, *, branch: str, origin: str, fork_seq: int, kinds: Sequence[str], key: str,
    values: Sequence[Any],
) -> list[str] | None:
    """The ids of every object of `kinds` that may hold one of `values` under `key` as the
    current state of `branch` (forked from `origin` at `fork_seq`) sees it: the branch's open
    records holding one, the origin's open ones (for the kinds read as of now, and the records
    valid at the fork still open) and the origin's records valid at the fork closed since. A
    superset: which record the branch sees is left to the read by id. None while the index on
    `key` is not online."""
    tuples = [[v] for v in values]
    # three independent reads: sent together, Neo4j answers them side by side
    own, theirs, closed = await asyncio.gather(
        holders_by_seek(driver, database, branch=branch, kinds=kinds, keys=[key], tuples=tuples),
        holders_by_seek(driver, database, branch=origin, kinds=kinds, keys=[key], tuples=tuples),
        read_records(driver, database, _CLOSED_SINCE_FORK, origin=origin, kinds=list(kinds), key=key,
                     values=list(values), fork_seq=fork_seq, open=OPEN),
    )  # fmt: skip
    if own is None or theirs is None:
        return None
    found: list[str] = [r["uid"] for r in own] + [r["uid"] for r in theirs] + list(closed[0]["uids"])
    return list(dict.fromkeys(found))
