"""Relationship edge properties (`is_protected`, `is_visible`, `source`, `owner`) as a record
keeps them: relationship -> peer id -> the properties that differ from the default, for the
edges that have any. Pure; shared by the projector's fold, the branch fold and the API's overlay."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from strata_events.types import PeerProperties

__all__ = [
    "EDGE_DEFAULTS", "PeerProps", "decode_peer_props", "edge_after", "edge_values", "encode_peer_props", "peer_props_after",
]

# relationship -> peer id -> property -> value (only values other than `EDGE_DEFAULTS`)
PeerProps = dict[str, dict[str, dict[str, Any]]]

EDGE_DEFAULTS: Final[Mapping[str, Any]] = {"is_protected": False, "is_visible": True, "source": None, "owner": None}
_json = msgspec.json.Encoder()


def edge_values(kept: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every property of an edge: what a record keeps of it (`kept`), the defaults for the rest."""
    return {**EDGE_DEFAULTS, **(kept or {})}


def edge_after(kept: Mapping[str, Any], given: PeerProperties) -> dict[str, Any]:
    """An edge's properties other than the defaults after an event sets `given` on it, from
    those it kept (`kept`, also without the defaults)."""
    merged = dict(kept)
    for name in EDGE_DEFAULTS:
        value = getattr(given, name)
        if value is not None:
            merged[name] = value
    return {name: value for name, value in merged.items() if value != EDGE_DEFAULTS[name]}


def peer_props_after(
    before: Mapping[str, Mapping[str, Mapping[str, Any]]],
    rels: Mapping[str, list[str]],
    given: Mapping[str, Mapping[str, PeerProperties]],
) -> PeerProps:
    """The properties of the edges in `rels` (the peers after an event): those `before` held
    for edges still there, with what the event sets (`given`) laid over them. A property given
    for a peer the relationship does not hold is ignored."""
    out: PeerProps = {}
    for name, per_peer in before.items():
        present = rels.get(name)
        if not present:
            continue
        held = set(present)
        kept = {peer: dict(props) for peer, props in per_peer.items() if peer in held}
        if kept:
            out[name] = kept
    for name, setting in given.items():
        present = rels.get(name)
        if not present:
            continue
        held = set(present)
        for peer, props in setting.items():
            if peer not in held:
                continue
            merged = edge_after(out.get(name, {}).get(peer, {}), props)
            if merged:
                out.setdefault(name, {})[peer] = merged
            elif name in out:
                out[name].pop(peer, None)
                if not out[name]:
                    del out[name]
    return out


def encode_peer_props(props: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str | None:
    """The record's `rprops` property: JSON text, or None (no property) when no edge has any."""
    return _json.encode(props).decode() if props else None


def decode_peer_props(text: str | None) -> PeerProps:
    return msgspec.json.decode(text) if text else {}
