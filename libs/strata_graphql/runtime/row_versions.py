"""Decoded rows kept by version across the requests of one process.

A list read in index order answers its rows and the peers it shows by version, with the content
of only those written since this process's last read of the same page (`strata_graph.
record_versions`). Listing the same objects again (a client paging, polling, or asking the same
list on every run) then transfers and decodes only what changed: for 1,000 interfaces and their
1,000 devices, most of the statement's transfer and about 4,000 JSON decodes a request. A
version's content never changes, so a kept row is never stale: an object changed since has a
new version, whose content comes with the page.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Final, cast

from neo4j import AsyncDriver

from strata_core.recent import keep_recent
from strata_graph.record_versions import NOTHING_HELD, Since, Version, VersionedRecord, records_by_version
from strata_graphql.runtime.node_rows import NodeRow, decoded_row

__all__ = ["RowVersions", "row_versions_for"]

# ~2-3 KiB a decoded row: some tens of MiB at most
KEPT_ROWS: Final = 20_000
KEPT_PAGES: Final = 4_096


def _decoded(record: VersionedRecord) -> NodeRow:
    assert record.content is not None
    return decoded_row(record.version[0], *record.content)


class RowVersions:
    """The rows of the versions read last (least recently used dropped past `kept`), and for
    each page read, the checkpoint its last read started at."""

    def __init__(self, kept: int = KEPT_ROWS) -> None:
        self._rows: OrderedDict[Version, NodeRow] = OrderedDict()
        self._read_at: OrderedDict[Hashable, Since] = OrderedDict()
        self._kept = kept
        self.received = 0  # records whose content came from the graph (for tests and probes)

    def since(self, page: Hashable) -> Since:
        """The `since` for a read of `page` (a key naming the page and what it reads)."""
        return self._read_at.get(page, NOTHING_HELD)

    def page_read(self, page: Hashable, read_at: Since | None) -> None:
        if read_at is not None:
            keep_recent(self._read_at, page, read_at, KEPT_PAGES)

    async def rows(self, driver: AsyncDriver, database: str, records: Sequence[VersionedRecord]) -> list[NodeRow] | None:
        """The rows of `records`, in order: decoded from the content they came with, else kept,
        else read by version. None if one is no longer stored (the graph was wiped since the
        page was read: the caller reads the general way)."""
        kept = self._rows
        out: list[NodeRow | None] = []
        missing: dict[Version, None] = {}
        for record in records:  # one pass: a page and its peers are some thousands of records
            version = record.version
            row = kept.get(version)
            if record.content is not None:
                self.received += 1
                if row is None:
                    row = kept[version] = _decoded(record)
            if row is None:
                missing[version] = None
            else:
                kept.move_to_end(version)
            out.append(row)
        if missing:  # shown to this process before, but dropped since, or on another page then
            for found in await records_by_version(driver, database, list(missing)):
                self.received += 1
                kept[found.version] = _decoded(found)
            for index, record in enumerate(records):
                if out[index] is None:
                    out[index] = kept.get(record.version)
                    if out[index] is None:
                        return None
        while len(kept) > self._kept:
            kept.popitem(last=False)
        return cast(list[NodeRow], out)  # every None was filled in, or None returned


_BY_DRIVER: weakref.WeakKeyDictionary[AsyncDriver, dict[str, RowVersions]] = weakref.WeakKeyDictionary()


def row_versions_for(driver: AsyncDriver, database: str) -> RowVersions:
    """The kept rows of one database (readers are per request; this is not)."""
    databases = _BY_DRIVER.setdefault(driver, {})
    found = databases.get(database)
    if found is None:
        found = databases[database] = RowVersions()
    return found
