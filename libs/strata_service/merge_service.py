"""Merge: the branch's net changes and a `branch.merged` event, appended on main as ONE atomic
batch guarded by main's head, so after a crash at any point main has all of it or none of it.
Conflicts must be resolved first; uniqueness is checked again against main as it is now."""

from __future__ import annotations

import msgspec
from neo4j import AsyncDriver

from strata_branching import merge_events
from strata_core.errors import ConcurrencyConflict, ValidationFailed
from strata_events import BranchMerged, BranchRebased
from strata_eventstore import EventStore
from strata_eventstore.kv_locks import KvLocks
from strata_eventstore.records import PendingEvent
from strata_eventstore.write_turns import write_attempts
from strata_schema import BranchSchema
from strata_service.branch_changes import BranchChanges, BranchChangesService, WaitProjected
from strata_service.branches import BranchRef
from strata_service.held_lock import held_lock
from strata_service.merge_constraints import MergedObjects, find_constraint_clash, find_value_clashes

__all__ = ["MergeRefused", "MergeService"]

_ATTEMPTS = 5


class MergeRefused(ValidationFailed):
    code = "branch.merge_refused"


class MergeService:
    def __init__(
        self,
        store: EventStore,
        driver: AsyncDriver,
        database: str,
        locks: KvLocks,
        *,
        wait_projected: WaitProjected | None = None,
        lock_ttl_s: float = 120.0,
    ) -> None:
        self._store = store
        self._driver = driver
        self._database = database
        self._locks = locks
        self._lock_ttl_s = lock_ttl_s
        self.changes = BranchChangesService(store, driver, database, wait_projected=wait_projected)

    async def merge(self, ref: BranchRef, schema: BranchSchema, main_schema: BranchSchema,
                    *, merged_seq: int | None, actor: str | None) -> int:  # fmt: skip
        """Returns main's head sequence holding the merge."""
        if ref.id == "main":
            raise MergeRefused("The branch main cannot be merged into itself", field="name")
        if merged_seq is not None:
            raise MergeRefused(f"The branch {ref.name} is already merged", field="name")
        async with held_lock(self._locks, f"merge.{ref.id}", actor or "anonymous", ttl_s=self._lock_ttl_s):
            # main's writers of this process wait for the merge instead of moving main under it
            async for attempt in write_attempts(self._store.turns, "main", _ATTEMPTS):
                async with attempt:
                    changes = await self.changes.compute(ref, schema)
                    if changes.open_conflicts:
                        paths = ", ".join(c.path for c in changes.open_conflicts[:10])
                        raise MergeRefused(
                            f"The branch {ref.name} has {len(changes.open_conflicts)} unresolved conflict(s): {paths}",
                            conflicts=[c.id for c in changes.open_conflicts],
                        )
                    events = await self._events(ref, changes, schema, main_schema)
                    result = await self._store.append(
                        "main", events, expected_head=changes.main_head, actor=actor, operation="branch.merge"
                    )
                if attempt.conflicted:
                    continue
                return result.head_seq
            raise ConcurrencyConflict("main kept moving; merge gave up")

    async def rebase(self, ref: BranchRef, schema: BranchSchema, *, actor: str | None) -> int:
        """Move the fork point to main's head: one batch on the branch stream holding the new
        fork point and the branch's net changes re-applied on main as it is now. Returns the
        branch's head sequence holding it."""
        if ref.id == "main":
            raise MergeRefused("The branch main cannot be rebased", field="name")
        async with held_lock(self._locks, f"merge.{ref.id}", actor or "anonymous", ttl_s=self._lock_ttl_s):
            async with self._store.turns.turn(ref.id):  # the branch's writers of this process wait
                changes = await self.changes.compute(ref, schema)
                if changes.open_conflicts:
                    paths = ", ".join(c.path for c in changes.open_conflicts[:10])
                    raise MergeRefused(f"The branch {ref.name} has unresolved conflicts: {paths}",
                                       conflicts=[c.id for c in changes.open_conflicts])  # fmt: skip
                new_fork = changes.main_head
                names = self._store.names
                rebased = BranchRebased(branch_id=ref.id, fork_seq=new_fork, previous_fork_seq=ref.fork_seq,
                                        fork_time=changes.to_time.isoformat())  # fmt: skip
                pending = [PendingEvent(names.branch_event_subject(ref.id), rebased)]
                pending += [PendingEvent(names.node_subject(ref.id, e.node_id), e)
                            for e in merge_events(changes.branch, changes.main_now, changes.choices)]  # fmt: skip
                result = await self._store.append(
                    ref.id, pending, expected_head=changes.branch_head, actor=actor,
                    operation="branch.rebase",
                )  # fmt: skip
                return result.head_seq

    async def _events(self, ref: BranchRef, changes: BranchChanges, schema: BranchSchema,
                      main_schema: BranchSchema) -> list[PendingEvent]:  # fmt: skip
        names = self._store.names
        pending: list[PendingEvent] = []
        if changes.branch_schema is not None and changes.branch_schema.schema_hash != main_schema.schema_hash:
            # the branch loaded its schema on top of main's at the fork; if main's moved since,
            # the two cannot both win
            if changes.main_schema_changed:
                raise MergeRefused(
                    "The schema changed on both the branch and main since the fork: rebase the branch first"
                )
            pending.append(PendingEvent(names.schema_subject("main"), changes.branch_schema))
        main_now = changes.main_now
        # branch-local kinds stay on their branch
        node_events = [
            e for e in merge_events(changes.branch, main_now, changes.choices)
            if getattr(schema.get(e.kind), "branch", "aware") != "local"
        ]
        await self._check_uniqueness(MergedObjects(node_events, main_now), schema)
        pending += [PendingEvent(names.node_subject("main", e.node_id), e) for e in node_events]
        merged = BranchMerged(branch_id=ref.id, name=ref.name, branch_head=changes.branch_head,
                              event_count=len(node_events))  # fmt: skip
        pending.append(PendingEvent(names.branch_event_subject("main"), merged))
        return pending

    async def _check_uniqueness(self, merged: MergedObjects, schema: BranchSchema) -> None:
        """Values the merge sets on unique attributes (one read of main per kind and attribute)
        and on multi-field `uniqueness_constraints` (one read per constraint): see
        `merge_constraints`."""
        found = await find_value_clashes(self._driver, self._database, schema, merged)
        if found:
            clashes = [msgspec.to_builtins(c) for c in found]
            text = "; ".join(f"{c.attribute}={c.value!r} of {c.node} is already used by {', '.join(c.held_by)}" for c in found[:10])
            raise MergeRefused(f"Violates uniqueness constraint on main: {text}", clashes=clashes)
        clash = await find_constraint_clash(self._driver, self._database, schema, merged)
        if clash is not None:
            raise MergeRefused(
                f"Violates uniqueness constraint '{'-'.join(clash.constraint)}' on main: "
                f"{clash.uid} and {', '.join(clash.others)}", constraint=list(clash.constraint),
            )  # fmt: skip
