"""Pure folding of node events onto record states (no I/O: unit-tested directly)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, assert_never

import msgspec

from strata_events import NodeCreated, NodeDeleted, NodeUpdated
from strata_events.peer_properties import encode_peer_props, peer_props_after
from strata_graph.records import OPEN, RecordState, VersionRow

__all__ = ["NodeEvent", "apply_node_event", "flatten_values", "fold_versions"]

NodeEvent = NodeCreated | NodeUpdated | NodeDeleted
_json = msgspec.json.Encoder()


def apply_node_event(state: RecordState | None, event: NodeEvent) -> RecordState:
    """The state after `event`. An update of an absent object starts from an empty record."""
    match event:
        case NodeCreated():
            rels = {k: list(v) for k, v in event.relationships.items()}
            return RecordState(
                kind=event.kind,
                attrs=msgspec.to_builtins(event.attributes),  # one call for all of them
                rels=rels,
                peer_props=peer_props_after({}, rels, event.peer_properties) if event.peer_properties else {},
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
            props = base.peer_props
            if props or event.peer_properties:
                props = peer_props_after(props, rels, event.peer_properties)
            # an update names the object's kind; a different one is a kind rename (schema migration)
            return RecordState(kind=event.kind or base.kind, deleted=base.deleted, attrs=attrs, rels=rels,
                               peer_props=props)  # fmt: skip
        case NodeDeleted():
            base = state or RecordState(kind=event.kind)
            return RecordState(kind=base.kind, deleted=True, attrs=base.attrs, rels=base.rels,
                               peer_props=base.peer_props)  # fmt: skip
        case _:
            assert_never(event)


def flatten_values(attrs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Scalar attribute values as `v_<name>` properties, structured values as JSON text, and
    the attribute's source and owner ids as `s_<name>` and `o_<name>`."""
    return _flatten((name, r.get("value"), r.get("source"), r.get("owner")) for name, r in attrs.items())


def _flatten(attributes: Iterable[tuple[str, Any, Any, Any]]) -> dict[str, Any]:
    """`flatten_values` over (name, value, source, owner)."""
    out: dict[str, Any] = {}
    for name, value, source, owner in attributes:
        if source:
            out[f"s_{name}"] = source
        if owner:
            out[f"o_{name}"] = owner
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
    last version stays open. An object whose only change here is its creation (most of an
    import's or a rebuild's) gets its row straight from the event: no state dicts are built
    for it (they were a third of a rebuild's Python time).
    """
    changes = list(changes)
    changes_of = Counter(event.node_id for _, event in changes)
    states: dict[str, RecordState | None] = dict(current)
    versions: dict[str, list[tuple[int, RecordState]] | VersionRow] = {}
    for seq, event in changes:
        if changes_of[event.node_id] == 1 and isinstance(event, NodeCreated):
            versions[event.node_id] = _created_row(seq, event)
            continue
        state = apply_node_event(states.get(event.node_id), event)
        states[event.node_id] = state
        chain = versions.setdefault(event.node_id, [])
        assert isinstance(chain, list)  # an object with a row of its own has no other change
        if chain and chain[-1][0] == seq:
            chain[-1] = (seq, state)
        else:
            chain.append((seq, state))
    rows: list[VersionRow] = []
    for uid, chain in versions.items():
        if isinstance(chain, VersionRow):
            rows.append(chain)
            continue
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
                    rprops=encode_peer_props(state.peer_props),
                )
            )
    return rows


def _created_row(seq: int, event: NodeCreated) -> VersionRow:
    """The open version `event` makes, encoded from the event's own structs: the same text and
    values as through a state (msgspec encodes a struct as it converts it to builtins), for
    values as decoded from the log (JSON's types; `tests/unit/graph/test_folding.py`)."""
    attributes = event.attributes
    values = _flatten((name, a.value, a.source, a.owner) for name, a in attributes.items())
    return VersionRow(uid=event.node_id, kind=event.kind, from_seq=seq, to_seq=OPEN, deleted=False,
                      attrs=_json.encode(attributes).decode(), rels=_json.encode(event.relationships).decode(),
                      values=values | flatten_peers(event.relationships),
                      rprops=encode_peer_props(peer_props_after({}, event.relationships, event.peer_properties))
                      if event.peer_properties else None)  # fmt: skip
