"""Uniqueness checked again at merge for every merged object: `unique` attributes with one read
of main per kind and attribute, multi-field `uniqueness_constraints` (a device + name, an
address + namespace) with one read per constraint rather than one per object (a merge touching
10,000 interfaces used to ask Neo4j 10,000 times).

A merged object is compared with main's current objects and with the other merged objects as
they will be after the merge (two objects swapping names on a branch do not clash). As at
create, a cardinality-many element of a constraint is compared by its first peer only."""

from __future__ import annotations

import itertools
from collections.abc import Container, Mapping, Sequence
from functools import cached_property
from typing import Any

import msgspec
from neo4j import AsyncDriver

from strata_events import NodeDeleted
from strata_graph.branch_reads import holders_of_fields, holders_of_values
from strata_graph.folding import NodeEvent, apply_node_event, flatten_values
from strata_graph.records import RecordState
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import uniqueness_scope
from strata_schema import BranchSchema

__all__ = ["ConstraintClash", "MergedObjects", "ValueClash", "find_constraint_clash", "find_value_clashes"]

Key = tuple[Any, ...]


class ConstraintClash(msgspec.Struct, frozen=True):
    """`uid` would hold the values of `constraint` that `others` hold too."""

    constraint: tuple[str, ...]
    uid: str
    others: tuple[str, ...]


class ValueClash(msgspec.Struct, frozen=True):
    """`node` would hold `value` of the unique attribute `attribute` that `held_by` hold too."""

    node: str
    attribute: str
    value: Any
    held_by: tuple[str, ...]


class MergedObjects:
    """The node events a merge appends, and each object's state once they are applied on main
    (`main_now`: their states on main now), folded once and only when a check needs it."""

    def __init__(self, events: Sequence[NodeEvent], main_now: Mapping[str, RecordState | None]) -> None:
        self.events = events
        self._main_now = main_now

    @cached_property
    def states(self) -> dict[str, RecordState | None]:
        states: dict[str, RecordState | None] = {}
        for event in self.events:
            previous = states[event.node_id] if event.node_id in states else self._main_now.get(event.node_id)
            states[event.node_id] = apply_node_event(previous, event)
        return states


async def find_value_clashes(
    driver: AsyncDriver, database: str, schema: BranchSchema, merged: MergedObjects
) -> list[ValueClash]:
    """Values the merge sets on `unique` attributes that another object would hold after it."""
    wanted: dict[tuple[str, str], dict[Any, list[str]]] = {}
    for event in merged.events:
        if isinstance(event, NodeDeleted) or (kind_schema := schema.get(event.kind)) is None:
            continue
        for attr in kind_schema.attributes:
            value = event.attributes.get(attr.name)
            if attr.unique and value is not None and isinstance(value.value, (str, int, float, bool)):
                wanted.setdefault((event.kind, attr.name), {}).setdefault(value.value, []).append(event.node_id)
    if not wanted:
        return []
    states = merged.states
    clashes: list[ValueClash] = []
    for (kind, name), by_value in wanted.items():
        held = await holders_of_values(driver, database, "main", kind, f"v_{name}", list(by_value))
        merged_holders: dict[Any, set[str]] = {}
        for uid, state in states.items():
            if state is not None and not state.deleted and state.kind == kind:
                value = state.attrs.get(name, {}).get("value")
                if isinstance(value, (str, int, float, bool)):
                    merged_holders.setdefault(value, set()).add(uid)
        for value, node_ids in by_value.items():
            holders = {uid for uid in held.get(value, []) if uid not in states} | merged_holders.get(value, set())
            for node_id in node_ids:
                others = tuple(sorted(holders - {node_id}))
                if others:
                    clashes.append(ValueClash(node=node_id, attribute=name, value=value, held_by=others))
    return clashes


async def find_constraint_clash(
    driver: AsyncDriver, database: str, schema: BranchSchema, merged: MergedObjects
) -> ConstraintClash | None:
    """The first merged object (in event order) whose constrained values another object would
    hold after the merge."""
    constraints_of = {kind: found for kind in {e.kind for e in merged.events} if (found := _constraints(schema, kind))}
    if not constraints_of:
        return None  # nothing to fold: a merge of 10,000 changes spent a tenth of its time here
    probes: dict[tuple[str, tuple[str, ...]], dict[str, Key]] = {}
    for event in merged.events:
        state = merged.states.get(event.node_id)
        if event.kind not in constraints_of or isinstance(event, NodeDeleted) or state is None or state.deleted:
            continue
        for scope, constraint in constraints_of[event.kind]:
            key = _probe(state, constraint)
            if key is not None:
                probes.setdefault((scope, constraint), {})[event.node_id] = key
    clashes: list[tuple[int, ConstraintClash]] = []
    order = {event.node_id: i for i, event in enumerate(merged.events)}
    for (scope, constraint), probed in probes.items():
        holders = await _holders_on_main(driver, database, schema, scope, constraint, probed, merged.states)
        for uid, key in probed.items():
            holders.setdefault(key, set()).add(uid)
        for uid, key in probed.items():
            others = holders[key] - {uid}
            if others:
                clashes.append((order[uid], ConstraintClash(constraint, uid, tuple(sorted(others)))))
                break
    return min(clashes, key=lambda found: found[0])[1] if clashes else None


async def _holders_on_main(
    driver: AsyncDriver, database: str, schema: BranchSchema, scope: str,
    constraint: tuple[str, ...], probed: Mapping[str, Key], merged: Container[str],
) -> dict[Key, set[str]]:  # fmt: skip
    """Main's current objects of the kinds `constraint` covers, by the values they hold, among
    those sharing a value with a probe; merged objects are left out (their state after the
    merge is what counts)."""
    kinds = concrete_kinds(schema, scope)
    properties = [_property(path) for path in constraint]
    at = next((i for i, name in enumerate(properties) if name.startswith("v_")), 0)
    values = list({key[at] for key in probed.values()})
    held = await holders_of_fields(driver, database, "main", kinds, properties, key=properties[at], values=values)
    holders: dict[Key, set[str]] = {}
    for uid, fields in held:
        if uid in merged:
            continue
        for key in _keys_held(constraint, fields):
            holders.setdefault(key, set()).add(uid)
    return holders


def _constraints(schema: BranchSchema, kind: str) -> list[tuple[str, tuple[str, ...]]]:
    """The multi-field constraints on `kind` (its own and its generics'), each with the kind it
    is unique across (`uniqueness_scope`, as at create)."""
    node = schema.get(kind)
    if node is None:
        return []
    return [(uniqueness_scope(schema, node, constraint), tuple(constraint))
            for constraint in node.uniqueness_constraints or () if len(constraint) > 1]  # fmt: skip


def _is_attribute(path: str) -> bool:
    return path.partition("__")[2] == "value"


def _property(path: str) -> str:
    """The record property a constraint path is read from: `v_<attribute>` or `r_<relationship>`."""
    name = path.partition("__")[0]
    return f"v_{name}" if _is_attribute(path) else f"r_{name}"


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _probe(state: RecordState, constraint: tuple[str, ...]) -> Key | None:
    """The values `state` holds for `constraint` as stored on a record, None when one is unset."""
    key = []
    for path in constraint:
        name = path.partition("__")[0]
        if _is_attribute(path):
            value = flatten_values({name: state.attrs.get(name, {})}).get(f"v_{name}")
            if value is None:
                return None
            key.append(_hashable(value))
        else:
            peers = state.rels.get(name, [])
            if not peers:
                return None
            key.append(peers[0])
    return tuple(key)


def _keys_held(constraint: tuple[str, ...], fields: Sequence[Any]) -> list[Key]:
    """Every probe a stored record matches: its attribute values with any one of its peers."""
    options: list[list[Any]] = []
    for path, value in zip(constraint, fields, strict=True):
        if _is_attribute(path):
            options.append([] if value is None else [_hashable(value)])
        else:
            options.append(list(value or []))
    return list(itertools.product(*options))
