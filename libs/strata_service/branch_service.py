"""Creating and deleting branches: O(1) events, whatever the size of the data.

Create: ONE append, a `branch.created` event on main recording the fork point (main's head
sequence and time) under main's head OCC. That event is what makes the branch. Its stream is
made by the projector as it folds the event, before the branch enters the read model; every
request naming a branch resolves it there first (`BranchDirectory`), so none meets a branch
without its stream, and a crash right after the append leaves nothing to repair. (Making the
stream here cost the create a JetStream round trip, and the projector's and the feed relay's
reaction to the new stream slowed the append that followed: 11.2 ms against 6 ms.)

The name is checked as of the very head the append is guarded by, so two creates of one name,
however close, cannot both land: `BranchNameIndex` holds the live names as of a sequence of
main and folds main's branch events from the log up to that head. So a create waits neither
for its own projection nor for the one of the create before it; `BranchDirectory` catches up
before it calls a name unknown.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from strata_core.errors import ConcurrencyConflict, ValidationFailed
from strata_events import BranchCreated, BranchDeleted, BranchUpdated
from strata_eventstore import EventStore
from strata_eventstore.records import PendingEvent
from strata_eventstore.write_turns import write_attempts
from strata_service.branch_name_index import BranchNameIndex
from strata_service.branch_names import branch_name_error
from strata_service.branches import BranchDirectory, BranchRef

__all__ = ["BranchService"]

_ATTEMPTS = 5


class BranchService:
    def __init__(
        self, store: EventStore, directory: BranchDirectory, *, wait_main: Callable[[int], Awaitable[None]]
    ) -> None:
        self._store = store
        self._directory = directory
        self._names = BranchNameIndex(store, directory, wait_main=wait_main)

    async def create(
        self, name: str, *, description: str = "", sync_with_git: bool = False, actor: str | None
    ) -> tuple[BranchRef, int, str]:
        """Returns the new branch, main's head sequence holding its creation, and its mutation id."""
        reason = branch_name_error(name)
        if reason:
            raise ValidationFailed(f"invalid branch name {name!r}: {reason}", field="name")
        branch_id = uuid.uuid4().hex
        # this process's writers of main queue; another process moving main's head ends an
        # attempt, and the name is checked again
        async for attempt in write_attempts(self._store.turns, "main", _ATTEMPTS):
            async with attempt:
                head = await self._store.head("main")
                if await self._names.taken(name, head):
                    raise ValidationFailed(f"The branch {name} already exists", field="name")
                event = BranchCreated(
                    branch_id=branch_id, name=name, description=description, origin="main",
                    fork_seq=head, fork_time=datetime.now(UTC).isoformat(), sync_with_git=sync_with_git,
                )  # fmt: skip
                mutation_id = uuid.uuid4().hex
                result = await self._store.append(
                    "main",
                    [PendingEvent(self._store.names.branch_event_subject("main"), event)],
                    expected_head=head,
                    mutation_id=mutation_id,
                    actor=actor,
                    operation="branch.create",
                )
            if attempt.conflicted:
                continue
            if not result.duplicate:  # a duplicate's head_seq is main's head now, maybe past others' events
                self._names.record_create(name, head, result.head_seq)
            # the fork point is the head *before* this event: the branch sees main as of then
            ref = BranchRef(id=branch_id, name=name, origin="main", fork_seq=head, fork_time=event.fork_time)
            return ref, result.head_seq, mutation_id
        raise ConcurrencyConflict("main kept moving; branch creation gave up")

    async def update(self, name: str, *, description: str, actor: str | None) -> int:
        """Record the branch's new description; returns main's head sequence holding it."""
        ref = await self._directory.resolve(name)
        event = BranchUpdated(branch_id=ref.id, name=ref.name, description=description)
        result = await self._store.append(
            "main",
            [PendingEvent(self._store.names.branch_event_subject("main"), event)],
            expected_head=None,  # a description is last-writer-wins, as Infrahub's is
            actor=actor,
            operation="branch.update",
        )
        return result.head_seq

    async def delete(self, name: str, *, actor: str | None) -> int:
        if name == "main":
            raise ValidationFailed("The branch main cannot be deleted", field="name")
        ref = await self._directory.resolve(name)
        event = BranchDeleted(branch_id=ref.id, name=name)
        result = await self._store.append(
            "main",
            [PendingEvent(self._store.names.branch_event_subject("main"), event)],
            expected_head=None,
            actor=actor,
            operation="branch.delete",
        )
        return result.head_seq
