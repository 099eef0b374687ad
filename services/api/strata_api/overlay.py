"""The read model with decisions made earlier in the same request laid over it.

A request that decides several things before one append (objects allocated from a pool and then
the create that uses them, an object deleted and its replacement created by a conversion) reads
through an `OverlayReader`: objects it decided are seen as decided, objects it deleted are gone,
and the rest come from the read model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from strata_api.bulk_value_index import holds_values
from strata_api.state_reader import GraphStateReader, record_of
from strata_events import NodeCreated
from strata_graph.folding import apply_node_event
from strata_graph.records import RecordState
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeEvent, NodeRecord

__all__ = ["OverlayReader", "UnsureWithoutProjection", "lay_over"]

_READ = 5000  # stored objects per read


class UnsureWithoutProjection(Exception):
    """A lookup the overlay cannot answer exactly (by hfid, see `_pending_with_hfid`): the
    caller waits for the read model to hold what was laid over and decides without it."""


async def lay_over(
    ctx: GraphQLContext, pending: dict[str, NodeRecord], events: Sequence[NodeEvent], gone: set[str] | None = None
) -> None:
    """Fold decided (not yet stored) events into `pending`, starting from the stored objects.

    An object deleted by `events` leaves `pending` and joins `gone`; without a `gone` to record
    it in, a delete is refused (a caller that cannot hide deleted objects must not lay one over)."""
    created = {e.node_id for e in events if isinstance(e, NodeCreated)}
    stored = list(dict.fromkeys(e.node_id for e in events if e.node_id not in pending and e.node_id not in created))
    for start in range(0, len(stored), _READ):  # read together: the loop below finds them kept
        await ctx.reader.get_many(stored[start : start + _READ])
    for event in events:
        before = pending.get(event.node_id)
        if before is None and not isinstance(event, NodeCreated):  # a created object has no past
            row = (await ctx.reader.get_many([event.node_id])).get(event.node_id)
            before = record_of(row) if row else None
        state = apply_node_event(
            RecordState(kind=before.kind, attrs=before.attrs, rels=before.rels, peer_props=before.peer_props)
            if before else None,
            event,
        )
        if state.deleted:
            if gone is None:
                raise ValueError(f"lay_over: {event.node_id} is deleted, and there is nowhere to record it")
            pending.pop(event.node_id, None)
            gone.add(event.node_id)
            continue
        if gone is not None:
            gone.discard(event.node_id)
        pending[event.node_id] = NodeRecord(uid=event.node_id, kind=state.kind, attrs=state.attrs, rels=state.rels,
                                            peer_props=state.peer_props)  # fmt: skip


class OverlayReader(GraphStateReader):
    """The read model, with the objects decided earlier in the same request laid over it."""

    def __init__(self, ctx: GraphQLContext, *, exact_hfids: bool = False) -> None:
        """`exact_hfids`: a lookup by hfid also judges the objects laid over, by their values,
        and raises `UnsureWithoutProjection` where it cannot be exact."""
        super().__init__(ctx.schema, ctx.reader)
        self._ctx = ctx
        self._pending: dict[str, NodeRecord] = {}
        self._gone: set[str] = set()
        self._exact_hfids = exact_hfids

    async def lay_over(self, events: Sequence[NodeEvent]) -> None:
        """From now on, read as if `events` were stored."""
        await lay_over(self._ctx, self._pending, events, self._gone)

    def _hidden(self, uid: str) -> bool:
        return uid in self._pending or uid in self._gone

    async def get(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        found = await super().get([i for i in ids if not self._hidden(i)])
        found.update({i: self._pending[i] for i in ids if i in self._pending})
        return found

    async def find_by_hfid(self, kind: str, hfid: list[str]) -> NodeRecord | None:
        """Looked up among the stored objects, as this request left it: a deleted one is not
        found, a changed one is its decided state. With `exact_hfids`, the objects laid over
        are looked up too, by the values they hold (an object created by a request without it
        is not looked up by its hfid)."""
        pending = await self._pending_with_hfid(kind, hfid) if self._exact_hfids else []
        found = await super().find_by_hfid(kind, hfid)
        if found is not None and found.uid in self._gone:
            found = None
        if self._exact_hfids:  # a stored object laid over was judged by its new values above
            candidates = pending + ([found] if found is not None and found.uid not in self._pending else [])
            return candidates[0] if len(candidates) == 1 else None
        return None if found is None else self._pending.get(found.uid, found)

    async def _pending_with_hfid(self, kind: str, hfid: list[str]) -> list[NodeRecord]:
        """The objects laid over whose values spell `hfid` as `kind`'s hfid reads them (as
        `strata_graphql.runtime.filters` does for the stored ones). Raises
        `UnsureWithoutProjection` where that cannot be told exactly: a value neither text nor a
        whole number, a path of another shape, or an object laid over among the kinds of a
        peer the hfid reads whose value it changed (the stored lookup would not see it)."""
        kind_schema = self._ctx.schema.get(kind)
        paths = list(kind_schema.human_friendly_id or ()) if kind_schema is not None else []
        if kind_schema is None or len(paths) != len(hfid):
            return []
        kinds = set(concrete_kinds(self._ctx.schema, kind))
        for path in paths:
            parts = path.split("__")
            rel = kind_schema.relationship(parts[0])
            if len(parts) == 3 and rel is not None:
                await self._peer_values_kept(set(concrete_kinds(self._ctx.schema, rel.peer)), parts[1])
            elif len(parts) != 2 or rel is not None:
                raise UnsureWithoutProjection(kind)
        matches: list[NodeRecord] = []
        for record in self._pending.values():
            if record.kind in kinds and await self._spells(record, paths, hfid):
                matches.append(record)
        return matches

    async def _peer_values_kept(self, peer_kinds: set[str], attribute: str) -> None:
        """Raise `UnsureWithoutProjection` if an object of `peer_kinds` laid over holds another
        `attribute` value than the stored one. (A peer created meanwhile is no concern: only
        objects laid over can name it, and those are judged by their own values.)"""
        changed = [r for r in self._pending.values() if r.kind in peer_kinds]
        stored = await super().get([r.uid for r in changed]) if changed else {}
        for record in changed:
            before = stored.get(record.uid)
            if before is not None and before.attrs.get(attribute, {}).get("value") != record.attrs.get(attribute, {}).get("value"):
                raise UnsureWithoutProjection(attribute)

    async def _spells(self, record: NodeRecord, paths: list[str], hfid: list[str]) -> bool:
        for path, wanted in zip(paths, hfid, strict=True):
            parts = path.split("__")
            if len(parts) == 2:
                if not _same_text(record.attrs.get(parts[0], {}).get("value"), wanted):
                    return False
                continue
            peers = await self.get(list(record.rels.get(parts[0], [])))
            if not any(_same_text(p.attrs.get(parts[1], {}).get("value"), wanted) for p in peers.values()):
                return False
        return True

    async def find_by_values(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        kinds = set(concrete_kinds(self._ctx.schema, kind))
        stored = [r for r in await super().find_by_values(kind, values) if not self._hidden(r.uid)]
        pending = [r for r in self._pending.values() if r.kind in kinds and holds_values(r, values)]
        return stored + pending


def _same_text(value: Any, wanted: str) -> bool:
    """Whether a stored value reads as the hfid component `wanted` (text, or a whole number)."""
    if value is None:
        return False
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise UnsureWithoutProjection(wanted)
    return str(value) == wanted
