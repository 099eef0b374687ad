"""Deciding many creates without a graph round trip per create.

A bulk document decides every create against the branch at one head. Most of what a create
asks the graph is answered "nothing": its new id is not in use, no stored object holds its
unique values. `SpeculativeReader` answers those questions from what it already knows and
*records the assumption* instead of asking; `verify` then checks every recorded assumption in a
few batched queries before the append. Nothing is assumed that is not verified:

- an id the reader has not seen is assumed absent (`assumed_absent`);
- a lookup by values is answered from the document's own objects, assuming no stored object
  matches (`assumed_unheld`).

A create refused under assumptions is decided again at once with real reads (a stored peer the
reader had not seen yet is the usual reason), so refusals are never speculative. When `verify`
finds an assumption false, the whole document must be decided again with real reads:
`SpeculationFailed` (a `ConcurrencyConflict`, which makes the caller decide again) says so.
"""

from __future__ import annotations

import asyncio
import itertools
import weakref
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from neo4j import AsyncDriver

from strata_api.bulk_prior import PriorObjects
from strata_api.bulk_value_index import PendingValueIndex, holds_values, value_key
from strata_api.state_reader import GraphStateReader, record_of
from strata_core.errors import ConcurrencyConflict
from strata_graph import cypher
from strata_graph.folding import NodeEvent
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.node_rows import node_row
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeRecord
from strata_graph.driver import read_records

__all__ = ["SpeculationFailed", "SpeculativeReader", "needs_exact_reads"]

_CHUNK = 5000
_EXACT: weakref.WeakSet[GraphQLContext] = weakref.WeakSet()  # requests whose speculation failed


class SpeculationFailed(ConcurrencyConflict):
    """An assumption made while deciding a bulk document was false: decide it again, exactly."""


def needs_exact_reads(ctx: GraphQLContext) -> bool:
    return ctx in _EXACT


def _tuple_key(keys: tuple[str, ...], values: Mapping[str, Any]) -> bytes:
    return value_key([values[k] for k in keys])


def _holder_keys(keys: tuple[str, ...], record: NodeRecord) -> list[bytes]:
    """Every tuple of `keys` the record holds: one per combination of a relationship's peers."""
    choices: list[list[Any]] = [list(record.rels.get(k, [])) if k in record.rels else [record.value(k)] for k in keys]
    return [value_key(list(combo)) for combo in itertools.product(*choices)]


class SpeculativeReader(GraphStateReader):
    """The read model with the document's decided objects (`pending`) laid over it; and, when
    this process appended mutations the read model may not hold yet, the objects they created
    or changed as of the head (`prior`, see `bulk_prior`): found by id and by value from memory,
    their stored records ignored."""

    def __init__(
        self, ctx: GraphQLContext, pending: dict[str, NodeRecord], prior: PriorObjects | None = None
    ) -> None:
        super().__init__(ctx.schema, ctx.reader)
        self._ctx = ctx
        self._pending = pending
        self._prior = prior or PriorObjects()
        # stored objects read so far, by id (the prior ones as of the head)
        self._stored: dict[str, NodeRecord | None] = dict(self._prior.records)
        self.speculating = False
        self.assumed_absent: dict[str, None] = {}  # ids, in the order assumed (an ordered set)
        self.assumed_unheld: list[tuple[str, dict[str, Any]]] = []
        self._trial_absent: set[str] = set()
        self._trial_unheld: list[tuple[str, dict[str, Any]]] = []
        self._by_value = PendingValueIndex()
        self._sent = (0, 0)  # how many of the ids and of the lookups a check was started for
        self._checks: list[asyncio.Task[None]] = []
        self._kinds: dict[str, frozenset[str]] = {}  # the concrete kinds a lookup's kind stands for

    def begin(self, *, speculate: bool) -> None:
        """Start deciding one create; assumptions made are kept only if it is accepted."""
        self.speculating = speculate
        self._trial_absent, self._trial_unheld = set(), []

    def accept(self) -> None:
        self.assumed_absent.update(dict.fromkeys(sorted(self._trial_absent)))
        self.assumed_unheld += self._trial_unheld

    async def get(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        found = {i: self._pending[i] for i in ids if i in self._pending}
        unknown = [i for i in ids if i not in self._pending and i not in self._stored]
        if unknown and self.speculating:
            self._trial_absent.update(unknown)
        elif unknown:
            fetched = await super().get(unknown)
            self._stored.update({i: fetched.get(i) for i in unknown})
        for i in ids:
            if i not in found and (record := self._stored.get(i)) is not None:
                found[i] = record
        return found

    async def prime(self, ids: Collection[str]) -> None:
        """Read the stored objects `ids` now, a query per few thousand: then they are known,
        not assumed absent (see `bulk_references`)."""
        unknown = [i for i in ids if i not in self._pending and i not in self._stored]
        for start in range(0, len(unknown), _CHUNK):
            chunk = unknown[start : start + _CHUNK]
            fetched = await super().get(chunk)
            self._stored.update({i: fetched.get(i) for i in chunk})

    def reindex(self, events: Sequence[NodeEvent]) -> None:
        """Follow the decided `events` (already laid over the pending objects) in the index of
        the document's objects by value, so a lookup by values does not scan them all."""
        self._by_value.update(events, self._pending)

    def _concrete(self, kind: str) -> frozenset[str]:
        """The node kinds a lookup's `kind` stands for (kept per kind)."""
        kinds = self._kinds.get(kind)
        if kinds is None:
            kinds = self._kinds[kind] = frozenset(concrete_kinds(self._ctx.schema, kind))
        return kinds

    def _pending_matches(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        kinds = self._concrete(kind)
        # the objects holding every value: the intersection of each value's holders (an
        # interface's device and name: ~1 object, where the fewer holders of one value were ~20)
        found = self._by_value.candidates(self._pending, values)
        return [r for r in found if r.kind in kinds and holds_values(r, values)]

    def _prior_matches(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        """The prior objects (not the document's own) of `kind` holding `values`, as of the head."""
        if not self._prior.records:
            return []
        kinds = self._concrete(kind)
        found = self._prior.index.candidates(self._prior.records, values)
        return [r for r in found if r.uid not in self._pending and r.kind in kinds and holds_values(r, values)]

    async def find_by_values(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        pending = self._pending_matches(kind, values) + self._prior_matches(kind, values)
        if self.speculating:
            self._trial_unheld.append((kind, dict(values)))
            return pending
        stored = [r for r in await super().find_by_values(kind, values) if not self._known(r.uid)]
        return stored + pending

    def prior_record(self, uid: str) -> NodeRecord | None:
        """A prior object as of the head (see `bulk_prior`), if `uid` is one."""
        return self._prior.records.get(uid)

    def _known(self, uid: str) -> bool:
        """Whether `uid` is judged from memory: one of the document's objects, or a prior one
        (whose stored record may be older than the head)."""
        return uid in self._pending or uid in self._prior.records

    def check_so_far(self, driver: AsyncDriver, database: str) -> None:
        """Start checking the assumptions accepted since the last call, in the background: the
        graph answers while the rest of the document is decided (a 1,000-create document
        waited 40-60 ms for one check of them all at the end)."""
        ids, lookups = self._sent
        absent, unheld = list(self.assumed_absent)[ids:], self.assumed_unheld[lookups:]
        self._sent = (len(self.assumed_absent), len(self.assumed_unheld))
        if absent or unheld:
            self._checks.append(asyncio.ensure_future(self._check(driver, database, absent, unheld)))

    async def verify(self, driver: AsyncDriver, database: str) -> None:
        """Raise `SpeculationFailed` unless every recorded assumption holds in the graph."""
        self.check_so_far(driver, database)
        checks, self._checks = self._checks, []
        for outcome in await asyncio.gather(*checks, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome

    def discard_checks(self) -> None:
        """Cancel the checks still running (the document was refused, or failed)."""
        for check in self._checks:
            if not check.done():
                check.cancel()
            elif not check.cancelled():
                check.exception()  # retrieved: a failed check of a discarded attempt is no news
        self._checks = []

    async def _check(
        self, driver: AsyncDriver, database: str, absent: list[str], unheld: list[tuple[str, dict[str, Any]]]
    ) -> None:
        groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
        for kind, values in unheld:
            groups.setdefault((kind, tuple(sorted(values))), []).append(values)
        # the reads are independent: sent together, Neo4j answers them side by side
        found, holders_of = await asyncio.gather(
            asyncio.gather(*(self._ctx.reader.get_many(absent[start : start + _CHUNK])
                             for start in range(0, len(absent), _CHUNK))),
            asyncio.gather(*(self._holders(driver, database, kind, keys, wanted)
                             for (kind, keys), wanted in groups.items())),
        )  # fmt: skip
        if any(found):
            self._fail()
        for ((_, keys), wanted), holders in zip(groups.items(), holders_of, strict=True):
            # a hash of the wanted tuples: comparing every holder with every wanted tuple was
            # quadratic (half of a 1,000-object request's CPU)
            wanted_keys = {_tuple_key(keys, v) for v in wanted}
            for holder in holders:
                if not self._known(holder.uid) and any(k in wanted_keys for k in _holder_keys(keys, holder)):
                    self._fail()

    async def _holders(
        self, driver: AsyncDriver, database: str, kind: str, keys: tuple[str, ...], wanted: list[dict[str, Any]]
    ) -> list[NodeRecord]:
        """Stored objects of `kind` holding, for each key, one of its wanted values (a superset
        of the real matches; the caller compares whole tuples)."""
        sought = await self.stored_holders(kind, wanted)  # exact, by index seeks, where they apply
        if sought is not None:
            return sought
        schema = self._ctx.schema.get(kind)
        rels = {r.name for r in schema.relationships} if schema is not None else set()
        probes = [
            {"key": f"r_{key}" if key in rels else f"v_{key}", "is_list": key in rels,
             "values": list({value_key(v[key]): v[key] for v in wanted}.values())}
            for key in keys
        ]  # fmt: skip
        records = await read_records(
            driver, database, cypher.HOLDERS_OF_VALUES,
            kinds=concrete_kinds(self._ctx.schema, kind), probes=probes, **self._ctx.reader.view.params(),
        )  # fmt: skip
        return [record_of(node_row(r)) for r in records[0]["rows"]]

    def _fail(self) -> None:
        _EXACT.add(self._ctx)
        raise SpeculationFailed("a bulk create's assumption did not hold; deciding again with exact reads")
