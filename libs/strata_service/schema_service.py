"""A branch's schema: read from its last `schema.loaded` event; loading appends a new one.

Loading decides from (current schema, files, stored data) and appends under the branch head's
optimistic concurrency: a concurrent writer makes it reload and decide again.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from neo4j import AsyncDriver

from strata_core.errors import ConcurrencyConflict, StrataError
from strata_core.recent import keep_recent
from strata_events import SchemaLoaded
from strata_eventstore import EventStore
from strata_eventstore.records import PendingEvent
from strata_eventstore.write_turns import write_attempts
from strata_graph import cypher
from strata_graph.data_probe import GraphDataProbe
from strata_graph.views import View
from strata_schema import BranchSchema, SchemaValidationError, check_data
from strata_schema.branch import LoadOutcome, SchemaSource
from strata_service.branches import BranchRef
from strata_service.schema_migrations import migration_events
from strata_graph.driver import read_records

__all__ = ["SchemaLoadResult", "SchemaRefused", "SchemaService", "concrete_kinds_of"]

_ATTEMPTS = 5
_SETTLED_SIZE = 1024


class SchemaRefused(StrataError):
    """The files are invalid or the stored data does not allow the change."""

    code = "schema.invalid"

    def __init__(self, error: SchemaValidationError) -> None:
        super().__init__(str(error))
        self.error = error


def concrete_kinds_of(schema: BranchSchema) -> Callable[[str], list[str]]:
    """The stored kinds a kind stands for in `schema`: the nodes using a generic, else itself."""

    def kinds(kind: str) -> list[str]:
        used_by = list(getattr(schema.get(kind), "used_by", None) or [])
        return used_by or [kind]

    return kinds


class SchemaLoadResult(msgspec.Struct, frozen=True, kw_only=True):
    hash: str
    previous_hash: str
    warnings: list[dict[str, Any]]
    head_seq: int
    changed: bool
    diff: dict[str, Any]


class SchemaService:
    def __init__(self, store: EventStore, driver: AsyncDriver, database: str, *, cache_size: int = 32) -> None:
        self._store = store
        self._driver = driver
        self._database = database
        self._cache: OrderedDict[tuple[str, int], BranchSchema] = OrderedDict()
        self._settled: OrderedDict[tuple[str, int], BranchSchema | None] = OrderedDict()  # see `_at_or_none`
        self._cache_size = cache_size
        self._initial: BranchSchema | None = None

    def _initial_schema(self) -> BranchSchema:
        """The built-in schema, resolved once: parsing and resolving it took most of the API's
        CPU on a deployment without a loaded schema. BranchSchema values are never mutated."""
        if self._initial is None:
            self._initial = BranchSchema.initial()
        return self._initial

    async def current(self, branch: BranchRef) -> BranchSchema:
        """The branch's own last schema, else its origin's schema as of the fork point."""
        subject = self._store.names.schema_subject(branch.id)
        seq = await self._store.last_event_seq(branch.id, subject)
        if seq is not None and (known := self._cache.get((branch.id, seq))) is not None:
            self._cache.move_to_end((branch.id, seq))
            return known  # decoding the schema event took a tenth of a small request's CPU
        stored = await self._store.last_event(branch.id, subject) if seq is not None else None
        if stored is not None and isinstance(stored.event, SchemaLoaded):
            body = stored.event.schema
            return self._cached((branch.id, stored.seq), lambda: body)
        if branch.origin is None:
            return self._initial_schema()
        return await self.at(branch.origin, branch.fork_seq)

    async def as_of(self, view: View) -> BranchSchema:
        """The schema a read view sees: the branch's own as of its sequence, else its origin's."""
        own = await self._at_or_none(view.branch, view.own_seq)
        if own is not None:
            return own
        if view.origin is not None:
            return await self.at(view.origin, view.origin_seq)
        return self._initial_schema()

    async def at(self, branch_id: str, seq: int) -> BranchSchema:
        """The schema a branch had at one of its stream sequences (from the read model)."""
        return await self._at_or_none(branch_id, seq) or self._initial_schema()

    async def _at_or_none(self, branch_id: str, seq: int) -> BranchSchema | None:
        """The schema `branch_id` had at `seq`. Once the branch is projected past `seq` that
        answer is final, and kept: every read of a branch without a schema of its own asks for
        its origin's at the fork point."""
        if (key := (branch_id, seq)) in self._settled:
            self._settled.move_to_end(key)
            return self._settled[key]
        records = await read_records(self._driver, self._database, cypher.SCHEMA_AT, branch=branch_id, seq=seq)
        row = records[0]
        body = row["body"]
        found = None if body is None else self._cached((branch_id, int(row["seq"])), lambda: msgspec.json.decode(body))
        if row["projected"] is not None and int(row["projected"]) >= seq:
            keep_recent(self._settled, key, found, _SETTLED_SIZE)
        return found

    def _cached(self, key: tuple[str, int], body: Callable[[], dict[str, Any]]) -> BranchSchema:
        cached = self._cache.get(key)
        if cached is None:
            cached = BranchSchema.from_dict(body())
        keep_recent(self._cache, key, cached, self._cache_size)
        return cached

    async def check(self, branch: BranchRef, sources: Sequence[SchemaSource]) -> LoadOutcome:
        current = await self.current(branch)
        try:
            return current.load(sources)
        except SchemaValidationError as exc:
            raise SchemaRefused(exc) from exc

    async def change(
        self,
        branch: BranchRef,
        change: Callable[[BranchSchema], LoadOutcome],
        *,
        probe_for: Callable[[BranchSchema], GraphDataProbe],
        actor: str | None,
    ) -> SchemaLoadResult:
        """Apply `change` (`current.load(files)`, or an edit such as `choice_edits`) to the branch's
        current schema, check the stored data against it and append it with its data rewrites,
        under the branch head's OCC (a moved head: worked out again on the new schema)."""
        branch_id = branch.id
        # this process's writers of the branch queue; another process moving the head ends an
        # attempt, and the change is worked out again on the new schema
        async for attempt in write_attempts(self._store.turns, branch_id, _ATTEMPTS):
            async with attempt:
                head = await self._store.head(branch_id)
                current = await self.current(branch)
                try:
                    outcome = change(current)
                except SchemaValidationError as exc:
                    raise SchemaRefused(exc) from exc
                warnings = [msgspec.to_builtins(w) for w in outcome.warnings]
                if not outcome.changed:
                    return SchemaLoadResult(
                        hash=current.schema_hash, previous_hash=current.schema_hash, warnings=warnings,
                        head_seq=head, changed=False, diff={},
                    )  # fmt: skip
                probe = probe_for(current)
                refusals = await asyncio.to_thread(check_data, outcome.plan, current.main, outcome.new_schema.main, probe)
                if refusals:
                    raise SchemaRefused(SchemaValidationError([r.to_error() for r in refusals]))
                rewrites = await asyncio.to_thread(migration_events, outcome.plan, probe, concrete_kinds_of(current))
                new = outcome.new_schema
                event = SchemaLoaded(
                    schema_hash=new.schema_hash, previous_hash=current.schema_hash, schema=new.to_dict()
                )
                result = await self._store.append(
                    branch_id,
                    [PendingEvent(self._store.names.schema_subject(branch_id), event)]
                    + [PendingEvent(self._store.names.node_subject(branch_id, e.node_id), e) for e in rewrites],
                    expected_head=head,
                    actor=actor,
                    operation="schema.load",
                )
            if attempt.conflicted:
                continue
            return SchemaLoadResult(
                hash=new.schema_hash, previous_hash=current.schema_hash, warnings=warnings,
                head_seq=result.head_seq, changed=True, diff=outcome.diff.to_api_dict(),
            )  # fmt: skip
        raise ConcurrencyConflict(f"branch {branch_id} kept moving; schema load gave up")
