"""Who changed what, read from the event log (the source of truth), never from the read model.

One `ChangeRecord` per stored event: its id (`<stream>:<seq>`), branch, time, actor, mutation,
correlation id and the event itself. Used by the object-history route and `strata audit`.
"""

from __future__ import annotations

import heapq
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

import msgspec

from strata_core.errors import BranchNotFound
from strata_events import BranchCreated, BranchDeleted, BranchRebased, MutationCommitted
from strata_eventstore import EventStore
from strata_eventstore.records import StoredEvent

__all__ = [
    "ChangeFilter",
    "ChangeRecord",
    "LogBranch",
    "change_records",
    "find_branch",
    "log_branches",
    "object_history",
]


class LogBranch(msgspec.Struct, frozen=True, kw_only=True):
    """A branch as the log tells it: id, name, origin and fork point, whether it was deleted."""

    id: str
    name: str
    origin: str | None = None
    fork_seq: int = 0
    deleted: bool = False


class ChangeRecord(msgspec.Struct, frozen=True, kw_only=True):
    event_id: str
    branch: str
    branch_id: str
    seq: int
    time: str
    actor: str | None
    mutation_id: str | None
    correlation_id: str | None
    operation: str | None  # the mutation's operation, when its head message was read
    type: str
    node_id: str | None
    kind: str | None
    event: dict[str, Any]


class ChangeFilter(msgspec.Struct, frozen=True, kw_only=True):
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    kind: str | None = None

    def keeps(self, record: ChangeRecord, moment: datetime) -> bool:
        if self.since is not None and moment < self.since:
            return False
        if self.actor is not None and record.actor != self.actor:
            return False
        return self.kind is None or record.kind == self.kind


def _record(store: EventStore, branch: LogBranch, stored: StoredEvent, operation: str | None) -> ChangeRecord:
    body = msgspec.to_builtins(stored.event)
    return ChangeRecord(
        event_id=f"{store.names.stream(branch.id)}:{stored.seq}", branch=branch.name, branch_id=branch.id,
        seq=stored.seq, time=stored.time.isoformat(), actor=stored.actor, mutation_id=stored.mutation_id,
        correlation_id=stored.correlation_id, operation=operation, type=str(body.get("type", "")),
        node_id=body.get("node_id"), kind=body.get("kind"), event=body,
    )  # fmt: skip


async def object_history(store: EventStore, branch: LogBranch, node_id: str) -> list[ChangeRecord]:
    """The object's events on the branch's origin up to the fork point, then on the branch."""
    sources: list[tuple[LogBranch, int | None]] = [(branch, None)]
    if branch.origin is not None:
        sources.insert(0, (LogBranch(id=branch.origin, name=branch.origin), branch.fork_seq))
    out: list[ChangeRecord] = []
    for source, upto in sources:
        for stored in await store.read_object(source.id, node_id):
            if upto is None or stored.seq <= upto:
                out.append(_record(store, source, stored, await _operation_of(store, source.id, stored)))
    return out


async def _operation_of(store: EventStore, branch_id: str, stored: StoredEvent) -> str | None:
    """The operation named by the head message that closes the event's mutation."""
    head = await store.next_event(branch_id, store.names.head_subject(branch_id), stored.seq)
    if head is None or not isinstance(head.event, MutationCommitted) or head.mutation_id != stored.mutation_id:
        return None
    return head.event.operation or None


async def log_branches(store: EventStore) -> dict[str, LogBranch]:
    """Every branch with a stream, by id: named by its `branch.created` on main (branches made
    before BranchCreate became one append also carry a copy on their own stream); deletions are
    recorded on main, rebases on the branch."""
    branch_ids = sorted(await store.branch_ids())
    created: dict[str, BranchCreated] = {}
    deleted: set[str] = set()
    if "main" in branch_ids:
        async for stored in store.iter_range("main", subject=store.names.branch_event_subject("main")):
            event = stored.event
            if isinstance(event, BranchCreated) and event.branch_id != "main":
                created[event.branch_id] = event
            elif isinstance(event, BranchDeleted):
                deleted.add(event.branch_id)
    found: dict[str, LogBranch] = {}
    for branch_id in branch_ids:
        if branch_id == "main":
            found["main"] = LogBranch(id="main", name="main")
            continue
        branch = _from_created(created[branch_id]) if branch_id in created else LogBranch(id=branch_id, name=branch_id)
        async for stored in store.iter_range(branch_id, subject=store.names.branch_event_subject(branch_id)):
            event = stored.event
            if isinstance(event, BranchCreated) and branch_id not in created:
                branch = _from_created(event)
            elif isinstance(event, BranchRebased):
                branch = msgspec.structs.replace(branch, fork_seq=event.fork_seq)
        found[branch_id] = msgspec.structs.replace(branch, deleted=branch_id in deleted)
    return found


def _from_created(event: BranchCreated) -> LogBranch:
    return LogBranch(id=event.branch_id, name=event.name, origin=event.origin, fork_seq=event.fork_seq)


def find_branch(branches: dict[str, LogBranch], name_or_id: str) -> LogBranch:
    """By id, else by name (a live branch before a deleted one of the same name)."""
    if name_or_id in branches:
        return branches[name_or_id]
    named = sorted((b for b in branches.values() if b.name == name_or_id), key=lambda b: b.deleted)
    if not named:
        raise BranchNotFound(f"branch {name_or_id!r} not found in the event log", branch=name_or_id)
    return named[0]


async def _branch_changes(store: EventStore, branch: LogBranch, where: ChangeFilter) -> list[tuple[datetime, int, ChangeRecord]]:
    """The branch's events in the filter's time range with their mutation's operation; a
    mutation's events precede its head message, so they wait for it."""
    out: list[tuple[datetime, int, ChangeRecord]] = []
    waiting: list[StoredEvent] = []
    async for stored in store.iter_range(branch.id, start_time=where.since):
        if where.until is not None and stored.time > where.until:
            break
        if not isinstance(stored.event, MutationCommitted):
            waiting.append(stored)
            continue
        operation = stored.event.operation or None
        for pending in waiting:
            record = _record(store, branch, pending, operation if pending.mutation_id == stored.mutation_id else None)
            if where.keeps(record, pending.time):
                out.append((pending.time, pending.seq, record))
        waiting.clear()
    for pending in waiting:  # a batch cut by `until`: shown without its operation
        record = _record(store, branch, pending, None)
        if where.keeps(record, pending.time):
            out.append((pending.time, pending.seq, record))
    return out


async def change_records(
    store: EventStore, branches: Iterable[LogBranch], where: ChangeFilter
) -> AsyncIterator[ChangeRecord]:
    """Changes on the given branches in time order (then branch, then sequence)."""
    per_branch = [await _branch_changes(store, branch, where) for branch in branches]
    for _, _, record in heapq.merge(*per_branch, key=lambda item: (item[0], item[2].branch_id, item[1])):
        yield record
