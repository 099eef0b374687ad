"""A branch's changes since its fork, main's changes since then, and the conflicts between them.

The cost follows the size of the change: the branch's own stream, main's events after the fork
point, and the fork-time state of the objects those events name — never the whole of main.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from neo4j import AsyncDriver

from strata_branching import (
    ChangeSet,
    Choices,
    Conflict,
    apply_resolutions,
    cardinality_from_schema,
    detect_conflicts,
    fold_changes,
    touched_ids,
)
from strata_events import BranchRebased, ConflictResolved, SchemaLoaded
from strata_eventstore import EventStore
from strata_graph.records import RecordState
from strata_graph.views import View
from strata_graphql.runtime.reader import GraphReader
from strata_schema import BranchSchema
from strata_service.branches import BranchRef

__all__ = ["BranchChanges", "BranchChangesService"]


class BranchChanges(msgspec.Struct, kw_only=True):
    branch: ChangeSet
    main: ChangeSet
    conflicts: list[Conflict]
    open_conflicts: list[Conflict]
    choices: Choices
    branch_head: int
    main_head: int
    branch_schema: SchemaLoaded | None
    main_schema_changed: bool
    from_time: datetime
    to_time: datetime


class BranchChangesService:
    def __init__(self, store: EventStore, driver: AsyncDriver, database: str) -> None:
        self._store = store
        self._driver = driver
        self._database = database

    async def states(self, view: View, ids: set[str]) -> dict[str, RecordState | None]:
        rows = await GraphReader(self._driver, self._database, view).get_many(sorted(ids))
        return {
            uid: RecordState(kind=row.kind, attrs=row.attrs, rels=row.rels) if (row := rows.get(uid)) else None
            for uid in ids
        }

    async def compute(self, ref: BranchRef, schema: BranchSchema) -> BranchChanges:
        main_head = await self._store.head("main")
        branch_events = await self._store.read_range(ref.id)
        # a rebase re-applied the branch's net change on main at the new fork point: what came
        # before it is relative to the old fork and is not folded again
        rebases = [i for i, e in enumerate(branch_events) if isinstance(e.event, BranchRebased)]
        if rebases:
            branch_events = branch_events[rebases[-1] + 1 :]
        main_events = await self._store.read_range("main", ref.fork_seq + 1, main_head) if main_head > ref.fork_seq else []
        ids = touched_ids(branch_events) | touched_ids(main_events)
        base = await self.states(View(branch="main", own_seq=ref.fork_seq), ids)
        cardinality = cardinality_from_schema(schema)
        branch = fold_changes(base, branch_events, cardinality=cardinality)
        main = fold_changes(base, main_events, cardinality=cardinality)
        conflicts = detect_conflicts(branch, main)
        resolutions = [e.event for e in branch_events if isinstance(e.event, ConflictResolved)]
        open_conflicts, choices = apply_resolutions(conflicts, resolutions)
        schemas = [e.event for e in branch_events if isinstance(e.event, SchemaLoaded)]
        from_time = branch_events[0].time if branch_events else datetime.now(UTC)
        return BranchChanges(
            branch=branch, main=main, conflicts=conflicts, open_conflicts=open_conflicts,
            choices=choices, branch_head=branch_events[-1].seq if branch_events else 0,
            main_head=main_head, branch_schema=schemas[-1] if schemas else None,
            main_schema_changed=any(isinstance(e.event, SchemaLoaded) for e in main_events),
            from_time=from_time, to_time=datetime.now(UTC),
        )  # fmt: skip
