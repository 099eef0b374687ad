"""Records named by version: `(uid, branch, from_seq)`.

The projector never changes a record's content once it is written: a change of the object
closes it (sets its `to_seq`) and writes a new record. So the version names the content for
good, and a reader may keep what it decoded of a version across requests. The index-ordered
pages (`ordered_pages`, `branch_pages`) answer each record as its version and, unless the
reader says it saw the page before, its content: a record written after `$since` (the
checkpoint the reader's last read of the same page started at; `$origin_since` for the
origin's records a branch shows) comes with its content, an older one without, since the
reader was shown it then. Those a reader no longer holds (its
page moved, or it dropped them) are read here by version. A rebuild writes the same versions
again with the same content (the fold is deterministic), so a version kept from before it stays
true.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, NamedTuple

from neo4j import AsyncDriver, Record

from strata_graph.driver import read_records

__all__ = ["NOTHING_HELD", "VERSIONED", "Since", "Version", "VersionedRecord", "records_by_version", "versioned"]

Version = tuple[str, str, int]


class Since(NamedTuple):
    """The checkpoints a reader's last read of a page started at: of the page's branch
    (`$since`), and of its origin (`$origin_since`), whose records a branch shows too."""

    own: int = -1
    origin: int = -1


# for a reader that holds nothing: every record comes with its content
NOTHING_HELD: Final = Since()

# The Cypher list a page answers for the record bound to `r`: its version, and its content when
# written after the `Since` of its branch (`$branch` or another: the origin).
VERSIONED: Final = (
    "[r.uid, r.branch, r.from_seq, CASE WHEN r.from_seq > CASE WHEN r.branch = $branch THEN $since"
    " ELSE $origin_since END THEN [r.kind, r.attrs, r.rels, r.rprops] END]"
)

_BY_VERSION: Final = """
UNWIND $versions AS v
MATCH (r:Rec {uid: v[0], branch: v[1]}) USING INDEX SEEK r:Rec(uid, branch, to_seq)
WHERE r.from_seq = v[2] AND r.to_seq > 0
RETURN collect([r.uid, r.branch, r.from_seq, [r.kind, r.attrs, r.rels, r.rprops]]) AS rows
"""


class VersionedRecord(NamedTuple):
    version: Version
    # kind, attrs (JSON), rels (JSON), rprops (JSON or None); None when the reader was shown
    # this version before
    content: tuple[str, str | None, str | None, str | None] | None


def versioned(value: Sequence[Any]) -> VersionedRecord:
    """A record as a page statement answered it (`VERSIONED`)."""
    uid, branch, seq, content = value
    return VersionedRecord((str(uid), str(branch), int(seq)), None if content is None else tuple(content))


async def records_by_version(driver: AsyncDriver, database: str, versions: Sequence[Version]) -> list[VersionedRecord]:
    """The records of `versions`, with their content; a version no longer stored (the graph was
    wiped) is left out."""
    if not versions:
        return []
    found: list[Record] = await read_records(driver, database, _BY_VERSION, versions=[list(v) for v in versions])
    return [versioned(row) for row in found[0]["rows"]]
