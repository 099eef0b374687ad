"""Uniqueness checked again at merge for every merged object: `unique` attributes with one read
of main per kind and attribute, multi-field `uniqueness_constraints` (a device + name, an
address + namespace) with one read per constraint rather than one per object (a merge touching
10,000 interfaces used to ask Neo4j 10,000 times).

A merged object is compared with main's current objects and with the other merged objects as
they will be after the merge (two objects swapping names on a branch do not clash). As at
create, a cardinality-many element of a constraint is compared by its first peer only."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
from neo4j import AsyncDriver

from strata_events import NodeCreated, NodeDeleted, NodeUpdated
from strata_graph.branch_reads import holders_of_fields, holders_of_values
from strata_graph.folding import apply_node_event, flatten_values
from strata_graph.records import RecordState
from strata_schema import BranchSchema

__all__ = ["ConstraintClash", "ValueClash", "find_constraint_clash", "find_value_clashes"]

NodeEvent = NodeCreated | NodeUpdated | NodeDeleted
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


def states_after(
    events: Sequence[NodeEvent], main_now: Mapping[str, RecordState | None]
) -> dict[str, RecordState | None]:
    """Each merged object's state once `events` are applied on main."""
    states: dict[str, RecordState | None] = {}
    for event in events:
        previous = states[event.node_id] if event.node_id in states else main_now.get(event.node_id)
        states[event.node_id] = apply_node_event(previous, event)
    return states


async def find_value_clashes(
    driver: AsyncDriver,
    database: str,
    schema: BranchSchema,
    events: Sequence[NodeEvent],
    main_now: Mapping[str, RecordState | None],
) -> list[ValueClash]:
    """Values the merge sets on `unique` attributes that another object would hold after it."""
    wanted: dict[tuple[str, str], dict[Any, list[str]]] = {}
    for event in events:
        kind_schema = None if isinstance(event, NodeDeleted) else schema.get(event.kind)
        if kind_schema is None or isinstance(event, NodeDeleted):
            continue
        for attr in kind_schema.attributes:
            value = event.attributes.get(attr.name)
            if attr.unique and value is not None and isinstance(value.value, (str, int, float, bool)):
                wanted.setdefault((event.kind, attr.name), {}).setdefault(value.value, []).append(event.node_id)
    if not wanted:
        return []
    states = states_after(events, main_now)
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
    driver: AsyncDriver,
    database: str,
    schema: BranchSchema,
    events: Sequence[NodeEvent],
    main_now: Mapping[str, RecordState | None],
) -> ConstraintClash | None:
    """The first merged object (in `events` order) whose constrained values another object
    would hold after the merge. `main_now`: the merged objects' states on main now."""
    constrained = {kind for kind in {event.kind for event in events} if _constraints(schema, kind)}
    if not constrained:
        return None  # nothing to fold: a merge of 10,000 changes spent a tenth of its time here
    states = states_after(events, main_now)
    merged = {event.node_id for event in events}
    probes: dict[tuple[str, tuple[str, ...]], dict[str, Key]] = {}
    for event in events:
        if event.kind not in constrained:
            continue
        state = states.get(event.node_id)
        if isinstance(event, NodeDeleted) or state is None or state.deleted:
            continue
        for owner_kind, constraint in _constraints(schema, event.kind):
            key = _probe(state, constraint)
            if key is not None:
                probes.setdefault((owner_kind, constraint), {})[event.node_id] = key
    clashes: list[tuple[int, ConstraintClash]] = []
    order = {event.node_id: i for i, event in enumerate(events)}
    for (owner_kind, constraint), probed in probes.items():
        holders = await _holders_on_main(driver, database, schema, owner_kind, constraint, probed, merged)
        for uid, key in probed.items():
            holders.setdefault(key, set()).add(uid)
        for uid, key in probed.items():
            others = holders[key] - {uid}
            if others:
                clashes.append((order[uid], ConstraintClash(constraint, uid, tuple(sorted(others)))))
                break
    return min(clashes, key=lambda found: found[0])[1] if clashes else None


async def _holders_on_main(
    driver: AsyncDriver, database: str, schema: BranchSchema, owner_kind: str,
    constraint: tuple[str, ...], probed: Mapping[str, Key], merged: set[str],
) -> dict[Key, set[str]]:  # fmt: skip
    """Main's current objects of the kinds `constraint` covers, by the values they hold, among
    those sharing a value with a probe; merged objects are left out (their state after the
    merge is what counts)."""
    kinds = list(getattr(schema.get(owner_kind), "used_by", None) or [owner_kind])
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
    """The multi-field constraints on `kind`, with the kind (or generic) declaring each."""
    node = schema.get(kind)
    out = []
    for owner in (kind, *getattr(node, "inherit_from", ())):
        for constraint in getattr(schema.get(owner), "uniqueness_constraints", None) or ():
            if len(constraint) > 1:
                out.append((owner, tuple(constraint)))
    return out


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
