"""Synchronous reads of the rows a request already loaded, noting the ids it still needs.

Field values (relationships, hfids, profiles) are computed by plain functions over rows the
reader has cached. A computation that meets a row not loaded yet notes its id and carries on;
its caller loads every noted id in one batch and runs it again. Both executors use this: the
graphql-core resolvers per field, the planned executor per whole result.
"""

from __future__ import annotations

from strata_graph.attribute_changes import AttributeChange
from strata_graph.node_metadata import NodeMetadataRow
from strata_graphql.runtime.reader import GraphReader, NodeRow

__all__ = ["RowLookup"]


class RowLookup:
    def __init__(self, reader: GraphReader) -> None:
        self._reader = reader
        self.missing: set[str] = set()
        self.missing_metadata: dict[str, str] = {}  # id -> kind, for `GraphReader.load_metadata`
        self.missing_changes: dict[str, str] = {}  # id -> kind, for `GraphReader.load_changes`

    def row(self, uid: str) -> NodeRow | None:
        known, row = self._reader.peek(uid)
        if not known:
            self.missing.add(uid)
        return row

    def metadata(self, uid: str, kind: str) -> NodeMetadataRow | None:
        known, found = self._reader.peek_metadata(uid)
        if not known:
            self.missing_metadata[uid] = kind
        return found

    def attribute_change(self, uid: str, kind: str, name: str) -> AttributeChange | None:
        changes = self._reader.peek_changes(uid)
        if changes is None:
            self.missing_changes[uid] = kind
            return None
        return changes.attributes.get(name)

    def link_change(self, uid: str, kind: str, name: str, peer: str) -> AttributeChange | None:
        changes = self._reader.peek_changes(uid)
        if changes is None:
            self.missing_changes[uid] = kind
            return None
        return changes.links.get((name, peer))

    async def load_missing(self) -> None:
        """Read everything this pass noted, for the next pass."""
        if self.missing:
            await self._reader.get_many(list(self.missing))
        await self.load_noted_history()

    async def load_noted_history(self) -> None:
        """Read the objects' metadata and changes this pass noted (not their rows)."""
        if self.missing_metadata:
            await self._reader.load_metadata(list(self.missing_metadata.items()))
        if self.missing_changes:
            await self._reader.load_changes(list(self.missing_changes.items()))

    def has(self, uid: str) -> bool:
        """Whether `uid` was loaded (found or known to be absent), without noting it."""
        return self._reader.peek(uid)[0]

    def rows(self, uids: list[str]) -> list[NodeRow]:
        """The loaded rows of `uids`, in order; unknown ids noted, deleted ones left out."""
        out = []
        for uid in uids:
            row = self.row(uid)
            if row is not None:
                out.append(row)
        return out

    @property
    def complete(self) -> bool:
        return not self.missing and not self.missing_metadata and not self.missing_changes
