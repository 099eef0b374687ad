"""Reads records for GraphQL: filtered, ordered pages of kinds, and objects by id (batched)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Literal

import msgspec
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.branch_pages import branch_ordered_page, branch_pages_apply
from strata_graph.ordered_pages import OrderedPage, is_value_property, order_indexes_for, ordered_page
from strata_graph.record_versions import NOTHING_HELD
from strata_graph.attribute_changes import ObjectChanges, read_attribute_changes
from strata_graph.node_metadata import NodeMetadataRow, read_node_metadata
from strata_graph.value_seeks import branch_holders_by_seek, holders_by_seek
from strata_graph.views import CURRENT, View
from strata_graphql.runtime.node_rows import NodeRow, node_row
from strata_graphql.runtime.row_versions import RowVersions, row_versions_for
from strata_graph.driver import read_records

__all__ = ["Filter", "GraphReader", "NodeRow"]

# Up to this many objects a list reads each by id (`cypher.LIST_RECORDS_OF_IDS`) rather than
# every object of its kinds: a list by ids, or one whose filter an index answers.
_IDS_READ_BY_ID = 1000


class Filter(msgspec.Struct, frozen=True):
    key: str
    op: str
    value: Any


class GraphReader:
    """One per request: caches objects by id and batches id lookups made in the same tick."""

    def __init__(
        self, driver: AsyncDriver, database: str, view: View, *, checkpoint_stream: str | None = None,
        origin_checkpoint_stream: str | None = None, row_versions: RowVersions | None = None,
    ) -> None:
        self._driver = driver
        self._database = database
        # rows by version, shared by the process's readers unless given (`row_versions`)
        self._versions = row_versions or row_versions_for(driver, database)
        self.view = view
        # the streams projected into the view's branch and its origin: a page's total may then
        # come from the last count while the branch's checkpoint has not moved
        # (`strata_graph.ordered_pages`, `strata_graph.branch_pages`)
        self._checkpoint_stream = checkpoint_stream
        self._origin_checkpoint_stream = origin_checkpoint_stream
        self._cache: dict[str, NodeRow | None] = {}
        self._metadata: dict[str, NodeMetadataRow | None] = {}  # `node_metadata`, read when asked
        self._changes: dict[str, ObjectChanges] = {}  # attributes' `updated_at`, links', read when asked
        self._pending: dict[str, asyncio.Future[NodeRow | None]] = {}
        self._flush_scheduled = False
        # kind -> relationships whose peers a page of that kind reads in its own statement
        self._peers_through: dict[str, list[str]] = {}

    def read_peers_with_pages(self, kind: str, relationships: Sequence[str]) -> None:
        """A page of `kind` read in index order also reads the objects its rows point to through
        `relationships` (one round trip less for a list that selects them)."""
        self._peers_through[kind] = list(relationships)

    async def page(
        self,
        kinds: Sequence[str],
        *,
        filters: Sequence[Filter] = (),
        ids: Sequence[str] | None = None,
        order: Sequence[str] = (),
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[int, list[NodeRow]]:
        indexed = await self._index_ordered(kinds, filters, ids, order, limit)
        if indexed is not None:
            assert limit is not None
            found = await self._indexed_page(indexed, kinds[0], order[0], offset, limit)
            kept = await self._versions.rows(self._driver, self._database, found.rows + found.peers) if found else None
            if found is not None and kept is not None:
                rows = kept[: len(found.rows)]
                self._cache.update((row.uid, row) for row in kept[len(found.rows) :])  # the peers
                self._cache.update((r.uid, r) for r in rows)
                return found.total, rows
        keys = [*order, "", "", ""][:3]
        sought = list(dict.fromkeys(ids)) if ids is not None else await self._holders_of_filter(kinds, filters)
        common = dict(
            kinds=list(kinds), filters=[msgspec.to_builtins(f) for f in filters], o1=keys[0], o2=keys[1], o3=keys[2],
            offset=offset, limit=min(limit if limit is not None else 2**31, 2**31 - 1 - offset), **self.view.params(),
        )  # fmt: skip
        if sought is not None and len(sought) <= _IDS_READ_BY_ID:
            records = await read_records(self._driver, self._database, cypher.LIST_RECORDS_OF_IDS, ids=sought,
                                         **common)  # fmt: skip
        else:
            records = await read_records(self._driver, self._database, cypher.LIST_RECORDS,
                                         shadow=await self._own_record_ids(), ids=sought, **common)  # fmt: skip
        row = records[0]
        rows = [node_row(r) for r in row["page"]]
        for r in rows:
            self._cache[r.uid] = r
        return int(row["total"]), rows

    async def _holders_of_filter(self, kinds: Sequence[str], filters: Sequence[Filter]) -> list[str] | None:
        """The ids of the objects holding the value of the first filter an index can answer (an
        attribute equal to one value or in a list of them): a superset of the list's objects,
        read by index seeks on the current state of main or of a branch; None when no filter is
        such, or the view is a past one."""
        for f in filters:
            values = [f.value] if f.op == "eq" else f.value if f.op == "in" else None
            if (
                values is None or not is_value_property(f.key) or not values or len(values) > _IDS_READ_BY_ID
                or not all(isinstance(v, (str, int, float)) for v in values)
            ):  # fmt: skip
                continue
            if self.view.own_seq != CURRENT:
                return None
            if self.view.origin is not None:
                return await branch_holders_by_seek(self._driver, self._database, branch=self.view.branch,
                                                    origin=self.view.origin, fork_seq=self.view.origin_seq,
                                                    kinds=kinds, key=f.key, values=values)  # fmt: skip
            # the ids alone: what they hold is read with the page
            found = await holders_by_seek(self._driver, self._database, branch=self.view.branch, kinds=kinds,
                                          keys=[f.key], tuples=[[v] for v in values])  # fmt: skip
            return None if found is None else [r["uid"] for r in found]
        return None

    async def holders(
        self, kinds: Sequence[str], keys: Sequence[str], tuples: Sequence[Sequence[Any]]
    ) -> list[NodeRow] | None:
        """The objects of `kinds` whose properties `keys` (`v_` values, `r_` one-peer lists)
        hold one of `tuples`, read by index seeks (`strata_graph.value_seeks`); None when that
        read does not apply: a view other than the current state of main, or no index online."""
        if self.view.origin is not None or self.view.own_seq != CURRENT:
            return None
        found = await holders_by_seek(self._driver, self._database, branch=self.view.branch, kinds=kinds,
                                      keys=keys, tuples=tuples)  # fmt: skip
        if found is None:
            return None
        rows = [node_row(r) for r in found]
        self._cache.update((r.uid, r) for r in rows)
        return rows

    async def _indexed_page(
        self, indexed: Literal["main", "branch"], kind: str, key: str, offset: int, limit: int
    ) -> OrderedPage | None:
        """The page read in index order (`_index_ordered`), by version; None when the branch's
        order values ran out (the general query answers)."""
        peers = tuple(self._peers_through.get(kind, ()))
        # a page this process read before: what it was shown then comes without its content
        page = (self._checkpoint_stream, self._origin_checkpoint_stream, self.view, kind, key, offset, limit, peers)
        since = self._versions.since(page) if self._checkpoint_stream else NOTHING_HELD
        found: OrderedPage | None
        if indexed == "branch":
            found = await branch_ordered_page(self._driver, self._database, self.view, kind=kind, key=key,
                                              offset=offset, limit=limit, peers_through=peers,
                                              checkpoint_stream=self._checkpoint_stream,
                                              origin_checkpoint_stream=self._origin_checkpoint_stream,
                                              since=since)  # fmt: skip
        else:
            found = await ordered_page(self._driver, self._database, branch=self.view.branch, kind=kind, key=key,
                                       offset=offset, limit=limit, peers_through=peers,
                                       checkpoint_stream=self._checkpoint_stream, since=since)  # fmt: skip
        if found is not None:
            self._versions.page_read(page, found.read_at)
        return found

    async def _own_record_ids(self) -> list[str]:
        """The objects the branch has its own record of at its sequence: they hide the origin's."""
        if self.view.origin is None:
            return []
        records = await read_records(self._driver, self._database, cypher.OWN_RECORD_IDS,
                                     branch=self.view.branch, own_seq=self.view.own_seq)  # fmt: skip
        uids: list[str] = records[0]["uids"]
        return uids

    async def _index_ordered(
        self, kinds: Sequence[str], filters: Sequence[Filter], ids: Sequence[str] | None, order: Sequence[str],
        limit: int | None,
    ) -> Literal["main", "branch", None]:
        """Whether the page can be read in index order: one kind, no filter, one order key, a
        bounded page, the current state of main (`strata_graph.ordered_pages`) or of a branch
        (`strata_graph.branch_pages`)."""
        view = self.view
        if limit is None or filters or ids is not None or len(kinds) != 1 or len(order) != 1:
            return None
        if view.origin is None and view.own_seq == CURRENT:
            path: Literal["main", "branch"] = "main"
        elif branch_pages_apply(view, kinds[0], limit):
            path = "branch"
        else:
            return None
        return path if await order_indexes_for(self._driver).usable(self._driver, self._database, order[0]) else None

    async def get_many(self, ids: Sequence[str]) -> dict[str, NodeRow]:
        missing = [i for i in dict.fromkeys(ids) if i not in self._cache]
        if missing:
            records = await read_records(
                self._driver, self._database, cypher.RECORDS_BY_IDS,
                ids=missing, **self.view.params(),
            )
            for i in missing:
                self._cache[i] = None
            for record in records[0]["rows"]:
                row = node_row(record)
                self._cache[row.uid] = row
        return {i: r for i in ids if (r := self._cache.get(i)) is not None}

    async def get(self, uid: str) -> NodeRow | None:
        """Batched: lookups made before the event loop turns go to the graph in one query."""
        if uid in self._cache:
            return self._cache[uid]
        future = self._pending.get(uid)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._pending[uid] = future
            if not self._flush_scheduled:
                self._flush_scheduled = True
                asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self._flush()))
        return await future

    async def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        self._flush_scheduled = False
        try:
            found = await self.get_many(list(pending))
        except Exception as exc:  # noqa: BLE001 - handed to every waiter
            for future in pending.values():
                if not future.done():
                    future.set_exception(exc)
            return
        for uid, future in pending.items():
            if not future.done():
                future.set_result(found.get(uid))

    def peek_metadata(self, uid: str) -> tuple[bool, NodeMetadataRow | None]:
        """Without I/O: (known, the object's `node_metadata` row)."""
        if uid in self._metadata:
            return True, self._metadata[uid]
        return False, None

    async def load_metadata(self, objects: Sequence[tuple[str, str]]) -> None:
        """Read the `node_metadata` of `objects` (id, kind) not read yet, in one statement."""
        wanted = [(uid, kind) for uid, kind in dict(objects).items() if uid not in self._metadata]
        if not wanted:
            return
        found = await read_node_metadata(self._driver, self._database, self.view, wanted)
        self._metadata.update((uid, found.get(uid)) for uid, _ in wanted)

    def peek_changes(self, uid: str) -> ObjectChanges | None:
        """Without I/O: the last change of each attribute and link of `uid`, None when not read yet."""
        return self._changes.get(uid)

    async def load_changes(self, objects: Sequence[tuple[str, str]]) -> None:
        """Read the attribute changes of `objects` (id, kind) not read yet, in one statement."""
        wanted = [(uid, kind) for uid, kind in dict(objects).items() if uid not in self._changes]
        if not wanted:
            return
        found = await read_attribute_changes(self._driver, self._database, self.view, wanted)
        none = ObjectChanges(attributes={}, links={})
        self._changes.update((uid, found.get(uid, none)) for uid, _ in wanted)

    def peek(self, uid: str) -> tuple[bool, NodeRow | None]:
        """Without I/O: (known, row). Known-missing ids are (True, None)."""
        if uid in self._cache:
            return True, self._cache[uid]
        return False, None

    def forget(self) -> None:
        """Drop cached objects (after a mutation, reads must see the new state)."""
        self._cache.clear()
        self._metadata.clear()
        self._changes.clear()
