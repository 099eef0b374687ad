"""Applies committed batches of events to the graph, one Neo4j transaction per call.

A call holds whole batches only, so every mutation is applied entirely or not at all; the same
transaction advances the stream's checkpoint, and batches at or below it are skipped, so a
redelivery changes nothing (house rule 9: projector writes are idempotent).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import msgspec
from neo4j import AsyncDriver, AsyncManagedTransaction
from neo4j.exceptions import DriverError, Neo4jError

from strata_core.errors import StrataError
from strata_events import (
    BranchCreated,
    BranchDeleted,
    BranchMerged,
    BranchRebased,
    BranchUpdated,
    ConflictResolved,
    MutationCommitted,
    NodeCreated,
    NodeDeleted,
    NodeUpdated,
    SchemaLoaded,
)
from strata_eventstore.records import StoredEvent
from strata_graph import cypher
from strata_graph.driver import UnloggedRows, create_schema_rule, read_records
from strata_graph.folding import NodeEvent, fold_versions
from strata_graph.ordered_pages import drop_superseded_indexes
from strata_graph.recent_writes import RecentWrites
from strata_events.peer_properties import decode_peer_props
from strata_graph.records import OPEN, RecordState

__all__ = ["GraphProjection", "OriginNotProjected", "ProjectionBatch"]

_json = msgspec.json.Encoder()
_NODE_OR_COMMIT = (NodeCreated, NodeUpdated, NodeDeleted, MutationCommitted)


class OriginNotProjected(StrataError):
    """A branch batch needs its origin's records at the fork point, not projected yet."""

    code = "projection.origin_behind"


class ProjectionBatch(msgspec.Struct, frozen=True):
    """The events of one mutation (or one lone message); `last_seq` becomes the checkpoint."""

    last_seq: int
    events: tuple[StoredEvent, ...]


class GraphProjection:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database
        self._recent: dict[str, RecentWrites] = {}  # by stream, main's only (see `recent_writes`)

    async def ensure_schema(self) -> None:
        for statement in cypher.SCHEMA_STATEMENTS:
            await create_schema_rule(self._driver, self._database, statement)

    async def drop_superseded_indexes(self) -> list[str]:
        """Drop the read indexes of an earlier layout (`ordered_pages.drop_superseded_indexes`):
        the projector, which pays for keeping them, does it as it starts."""
        return await drop_superseded_indexes(self._driver, self._database)

    async def checkpoint(self, stream: str) -> int:
        records = await read_records(self._driver, self._database, cypher.GET_CHECKPOINT, stream=stream)
        return int(records[0]["seq"]) if records else 0

    async def apply(
        self,
        stream: str,
        branch_id: str,
        batches: Sequence[ProjectionBatch],
        *,
        hold_in_tx_s: float = 0.0,
    ) -> int:
        """Apply `batches` (in stream order) in one transaction; returns the new checkpoint."""
        recent = self._recent.setdefault(stream, RecentWrites()) if branch_id == "main" else None
        if recent is not None and not hold_in_tx_s:
            known = await self._apply_known(stream, batches, recent)
            if known is not None:
                return known
        written: list[tuple[int, int, list[Any]]] = []  # the last attempt's: checkpoint read, new one, versions

        async def work(tx: AsyncManagedTransaction) -> int:
            written.clear()
            prefetched: list[Any] | None = None
            if branch_id == "main":  # the records it updates are read with the checkpoint
                result = await tx.run(cypher.GET_CHECKPOINT_AND_RECORDS, stream=stream, branch=branch_id,
                                      uids=UnloggedRows(_updated_uids(batches)), open=OPEN)  # fmt: skip
            else:
                result = await tx.run(cypher.GET_CHECKPOINT_AND_FORK, stream=stream, branch=branch_id)
            row = await result.single()
            assert row is not None  # OPTIONAL MATCH: always one row
            checkpoint = int(row["seq"] or 0)
            fresh = [b for b in batches if b.last_seq > checkpoint]
            if not fresh:
                return checkpoint
            if branch_id == "main":
                fork = None
                prefetched = list(row["rows"])
            else:
                fork = _Fork(known=bool(row["known"]), origin=row["origin"], fork_seq=int(row["fork_seq"] or 0),
                             origin_seq=int(row["origin_seq"] or 0))  # fmt: skip
            writes = await _apply_batches(tx, branch_id, fresh, fork, prefetched)
            new_checkpoint = fresh[-1].last_seq
            await tx.run(
                cypher.WRITE_VERSIONS, closes=writes.closes, rows=writes.rows, commits=writes.commits,
                branch=branch_id, open=OPEN, stream=stream, seq=new_checkpoint,
            )  # fmt: skip
            if hold_in_tx_s > 0:  # fault injection for tests: a window to kill us mid-batch
                await asyncio.sleep(hold_in_tx_s)
            written.append((checkpoint, new_checkpoint, writes.rows))
            return new_checkpoint

        async with self._driver.session(database=self._database) as session:
            applied = await session.execute_write(work)
        if recent is not None and written:
            checkpoint, new_checkpoint, rows = written[-1]
            if checkpoint != recent.checkpoint:  # written by another process meanwhile
                recent.forget()
            recent.remember(new_checkpoint, rows)
        return applied

    async def _apply_known(self, stream: str, batches: Sequence[ProjectionBatch], recent: RecentWrites) -> int | None:
        """Apply `batches` (main's) in one auto-commit statement when this process wrote the
        checkpoint last and knows every record they update; None when it does not, or when the
        graph's checkpoint moved (nothing is written then)."""
        if recent.checkpoint is None or batches[0].last_seq <= recent.checkpoint:
            return None
        if any(not isinstance(e.event, _NODE_OR_COMMIT) for b in batches for e in b.events):
            return None  # a branch, schema or conflict event runs statements of its own
        prefetched = recent.records(_updated_uids(batches))
        if prefetched is None:
            return None
        writes = await _apply_batches(None, "main", batches, None, prefetched)
        new_checkpoint = batches[-1].last_seq
        try:
            async with self._driver.session(database=self._database) as session:
                result = await session.run(
                    cypher.WRITE_VERSIONS_AFTER, closes=writes.closes, rows=writes.rows, commits=writes.commits,
                    branch="main", open=OPEN, stream=stream, seq=new_checkpoint, expected=recent.checkpoint,
                )  # fmt: skip
                record = await result.single()
        except (Neo4jError, DriverError):
            # maybe written, maybe not: the usual path reads the checkpoint, and retries
            recent.forget()
            return None
        if record is None or not record["applied"]:
            recent.forget()  # the checkpoint moved: what this process wrote is not all there is
            return None
        recent.remember(new_checkpoint, writes.rows)
        return new_checkpoint


class _VersionWrites(msgspec.Struct):
    """What the transaction's last statement writes: versions closed and created, commits."""

    closes: list[dict[str, Any]] = msgspec.field(default_factory=UnloggedRows)
    rows: list[Any] = msgspec.field(default_factory=UnloggedRows)
    commits: list[dict[str, Any]] = msgspec.field(default_factory=UnloggedRows)


class _Fork(msgspec.Struct):
    """A branch's fork point as the transaction began (moved by a rebase in it), and how far
    its origin was projected then."""

    known: bool  # the branch's creation is projected
    origin: str | None
    fork_seq: int
    origin_seq: int


def _updated_uids(batches: Sequence[ProjectionBatch]) -> list[str]:
    """Every object `batches` update or delete without creating it first: a superset of those
    whose current record the versions need (whichever batches turn out to be new). An object a
    batch creates has no record before it, even when a later create of the same batches adds a
    back-reference to it (a bulk create's devices and their interfaces)."""
    first: dict[str, bool] = {}  # uid -> whether its first event here creates it
    for batch in batches:
        for stored in batch.events:
            event = stored.event
            if isinstance(event, (NodeCreated, NodeUpdated, NodeDeleted)):
                first.setdefault(event.node_id, isinstance(event, NodeCreated))
    return [uid for uid, created in first.items() if not created]


def _in(tx: AsyncManagedTransaction | None) -> AsyncManagedTransaction:
    """The transaction a statement runs in; the one-statement path (`_apply_known`) has none, and
    takes only batches that need no statement of their own."""
    if tx is None:
        raise RuntimeError("a projector statement ran outside a transaction")
    return tx


async def _apply_batches(
    tx: AsyncManagedTransaction | None, branch_id: str, batches: Sequence[ProjectionBatch], fork: _Fork | None,
    prefetched: list[Any] | None = None,
) -> _VersionWrites:
    """`prefetched`: rows of `FETCH_CURRENT_RECORDS` already read for these batches (main)."""
    node_changes: list[tuple[int, NodeEvent]] = []
    writes = _VersionWrites()
    commits = writes.commits
    for batch in batches:
        version_seq = batch.last_seq
        for stored in batch.events:
            event = stored.event
            match event:
                case NodeCreated() | NodeUpdated() | NodeDeleted():
                    node_changes.append((version_seq, event))
                case MutationCommitted():
                    commits.append(
                        {
                            "seq": stored.seq,
                            "time": stored.time.isoformat(),
                            "mutation_id": event.mutation_id,
                            "actor": event.actor,
                            "operation": event.operation,
                            "event_count": event.event_count,
                        }
                    )
                case BranchCreated():
                    await _in(tx).run(
                        cypher.UPSERT_BRANCH,
                        id=event.branch_id,
                        name=event.name,
                        description=event.description,
                        origin=event.origin,
                        fork_seq=event.fork_seq,
                        fork_time=event.fork_time,
                        sync_with_git=event.sync_with_git,
                        seq=stored.seq,
                    )
                case BranchDeleted():
                    await _in(tx).run(cypher.MARK_BRANCH_DELETED, id=event.branch_id, seq=stored.seq)
                case BranchUpdated():
                    await _in(tx).run(cypher.SET_BRANCH_DESCRIPTION, id=event.branch_id, description=event.description)
                case BranchMerged():
                    await _in(tx).run(cypher.MARK_BRANCH_MERGED, id=event.branch_id, seq=stored.seq,
                                 branch_head=event.branch_head)  # fmt: skip
                case BranchRebased():
                    if node_changes:  # changes before the rebase belong to the old fork point
                        early = await _node_versions(tx, branch_id, node_changes, fork)
                        await _in(tx).run(cypher.CLOSE_OPEN_RECORDS, closes=early.closes, branch=branch_id, open=OPEN)
                        await _in(tx).run(cypher.CREATE_RECORDS, rows=early.rows, branch=branch_id)
                        node_changes = []
                    await _in(tx).run(cypher.MOVE_FORK_POINT, id=event.branch_id, fork_seq=event.fork_seq,
                                 fork_time=event.fork_time, previous_fork_seq=event.previous_fork_seq,
                                 seq=version_seq)  # fmt: skip
                    if fork is not None:
                        fork.fork_seq = event.fork_seq
                    await _in(tx).run(cypher.CLOSE_BRANCH_RECORDS, branch=branch_id, open=OPEN, seq=version_seq)
                case ConflictResolved():
                    pass  # read by the branch services from the stream
                case SchemaLoaded():
                    await _in(tx).run(
                        cypher.WRITE_SCHEMA,
                        branch=branch_id,
                        open=OPEN,
                        seq=version_seq,
                        hash=event.schema_hash,
                        body=_json.encode(event.schema).decode(),
                    )
    if node_changes:
        versions = await _node_versions(tx, branch_id, node_changes, fork, prefetched)
        writes.closes, writes.rows = versions.closes, versions.rows
    return writes


async def _node_versions(
    tx: AsyncManagedTransaction | None, branch_id: str, changes: list[tuple[int, NodeEvent]], fork: _Fork | None,
    prefetched: list[Any] | None = None,
) -> _VersionWrites:
    """The versions `changes` close and create (read from the graph, not written yet), from
    the `prefetched` current records when they cover every object read."""
    origin: str | None = None
    fork_seq = 0
    if fork is not None:
        if not fork.known:
            raise OriginNotProjected(f"branch {branch_id} has no fork point projected yet")
        origin, fork_seq = fork.origin, fork.fork_seq
        if origin is not None and fork.origin_seq < fork_seq:
            raise OriginNotProjected(f"origin {origin} projected to {fork.origin_seq} < fork {fork_seq}")
    first_change: dict[str, NodeEvent] = {}
    for _, event in changes:
        first_change.setdefault(event.node_id, event)
    # an object created here is new: no record of it exists to read or to close
    uids = [uid for uid, event in first_change.items() if not isinstance(event, NodeCreated)]
    current: dict[str, RecordState | None] = {}
    owned: set[str] = set()
    rows: list[Any] = []
    wanted = set(uids)
    if prefetched is not None and wanted <= {r[0] for r in prefetched}:
        rows = [r for r in prefetched if r[0] in wanted]
    elif uids:  # objects created by these changes only: nothing to read
        result = await _in(tx).run(
            cypher.FETCH_CURRENT_RECORDS, uids=UnloggedRows(uids), branch=branch_id, origin=origin, fork_seq=fork_seq, open=OPEN
        )
        record = await result.single()
        rows = list(record["rows"]) if record else []
    for uid, is_owned, kind, deleted, attrs, rels, rprops in rows:
        if is_owned:
            owned.add(uid)
        if kind is None:
            current[uid] = None
            continue
        current[uid] = RecordState(
            kind=kind,
            deleted=bool(deleted),
            attrs=msgspec.json.decode(attrs or "{}"),
            rels=msgspec.json.decode(rels or "{}"),
            peer_props=decode_peer_props(rprops),
        )
    rows = fold_versions(current, changes)
    first_seq: dict[str, int] = {}
    for version in rows:
        first_seq.setdefault(version.uid, version.from_seq)
    closes = [{"uid": uid, "seq": first_seq[uid]} for uid in owned if uid in first_seq]
    return _VersionWrites(closes=UnloggedRows(closes), rows=UnloggedRows(msgspec.to_builtins(rows)))
