"""Pure folding of node events onto record states (no I/O: unit-tested directly)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, assert_never

import msgspec

from strata_events import NodeCreated, NodeDeleted, NodeUpdated
from strata_graph.records import OPEN, RecordState, VersionRow

__all__ = ["NodeEvent", "apply_node_event", "flatten_values", "fold_versions"]

NodeEvent = NodeCreated | NodeUpdated | NodeDeleted
_json = msgspec.json.Encoder()


def apply_node_event(state: RecordState | None, event: NodeEvent) -> RecordState:
    """The state after `event`. An update of an absent object starts from an empty record."""
    match event:
        case NodeCreated():
            return RecordState(
                kind=event.kind,
                attrs=msgspec.to_builtins(event.attributes),  # one call for all of them
                rels={k: list(v) for k, v in event.relationships.items()},
            )
        case NodeUpdated():
            base = state or RecordState(kind=event.kind)
            attrs = dict(base.attrs)
            if event.attributes:
                attrs.update(msgspec.to_builtins(event.attributes))
            rels = dict(base.rels)
            for name, peers in event.relationships.items():
                rels[name] = list(peers)
            for name, peers in event.peers_added.items():
                present = rels.get(name, [])
                rels[name] = present + [p for p in peers if p not in present]
            for name, peers in event.peers_removed.items():
                gone = set(peers)
                rels[name] = [p for p in rels.get(name, []) if p not in gone]
            # an update names the object's kind; a different one is a kind rename (schema migration)
            return RecordState(kind=event.kind or base.kind, deleted=base.deleted, attrs=attrs, rels=rels)
        case NodeDeleted():
            base = state or RecordState(kind=event.kind)
            return RecordState(kind=base.kind, deleted=True, attrs=base.attrs, rels=base.rels)
        case _:
            assert_never(event)


def flatten_values(attrs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Scalar attribute values as `v_<name>` properties, structured values as JSON text, and
    the attribute's source and owner ids as `s_<name>` and `o_<name>`."""
    out: dict[str, Any] = {}
    for name, record in attrs.items():
        for meta, prefix in (("source", "s_"), ("owner", "o_")):
            if record.get(meta):
                out[f"{prefix}{name}"] = record[meta]
        value = record.get("value")
        if value is None:
            continue
        if isinstance(value, (str, int, float, bool)):
            out[f"v_{name}"] = value
        elif isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
            out[f"v_{name}"] = value
        else:
            out[f"v_{name}"] = _json.encode(value).decode()
    return out


def flatten_peers(rels: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Relationship peers as `r_<name>` list properties, for relationship filters."""
    return {f"r_{name}": list(peers) for name, peers in rels.items()}


def fold_versions(
    current: Mapping[str, RecordState | None],
    changes: Iterable[tuple[int, NodeEvent]],
) -> list[VersionRow]:
    """New records for every object touched by `changes` (seq, event), in seq order.

    Events with the same seq belong to one mutation and make a single version; each object's
    last version stays open.
    """
    states: dict[str, RecordState | None] = dict(current)
    versions: dict[str, list[tuple[int, RecordState]]] = {}
    for seq, event in changes:
        state = apply_node_event(states.get(event.node_id), event)
        states[event.node_id] = state
        chain = versions.setdefault(event.node_id, [])
        if chain and chain[-1][0] == seq:
            chain[-1] = (seq, state)
        else:
            chain.append((seq, state))
    rows: list[VersionRow] = []
    for uid, chain in versions.items():
        for index, (seq, state) in enumerate(chain):
            to_seq = chain[index + 1][0] if index + 1 < len(chain) else OPEN
            rows.append(
                VersionRow(
                    uid=uid,
                    kind=state.kind,
                    from_seq=seq,
                    to_seq=to_seq,
                    deleted=state.deleted,
                    attrs=_json.encode(state.attrs).decode(),
                    rels=_json.encode(state.rels).decode(),
                    values=flatten_values(state.attrs) | flatten_peers(state.rels),
                )
            )
    return rows
