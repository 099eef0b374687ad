"""Upsert: update the object the input identifies, or create it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strata_schema import BranchSchema, KindSchema

from ._kinds import writable_schema
from ._peers import parse_refs, resolve_peers
from .create import decide_create
from .decision import Decision
from .errors import Issues
from .reader import StateReader
from .records import NodeRecord
from .update import locate, update_events

__all__ = ["decide_upsert"]


def _given_value(data: Mapping[str, Any], name: str, prop: str) -> Any:
    raw = data.get(name)
    return raw.get(prop or "value") if isinstance(raw, Mapping) else None


async def _hfid_from_input(
    schema: BranchSchema, node: KindSchema, data: Mapping[str, Any], reader: StateReader
) -> list[str] | None:
    """The human-friendly id the input's own fields spell, when it holds every part of it."""
    parts: list[str] = []
    for component in node.human_friendly_id or ():
        name, _, rest = component.partition("__")
        rel = node.relationship(name)
        if rel is None:
            value = _given_value(data, name, rest)
        else:
            quiet = Issues()
            refs = parse_refs(rel, data.get(name), ("data", name), quiet)
            found = await resolve_peers(schema, node, reader, {name: refs}, quiet) if refs else {}
            peers = found.get(name, [])
            attribute, _, prop = rest.partition("__")
            value = peers[0].attrs.get(attribute, {}).get(prop or "value") if peers else None
        if value is None:
            return None
        parts.append(str(value))
    return parts or None


async def _existing(
    schema: BranchSchema, node: KindSchema, data: Mapping[str, Any], reader: StateReader
) -> NodeRecord | None:
    # Infrahub's order: the id (which must exist), the hfid given or spelled by the fields,
    # then the default filter.
    if data.get("id") is not None:
        return await locate(schema, node.kind, data, reader)
    hfid = data.get("hfid")
    if isinstance(hfid, list | tuple) and hfid and all(isinstance(h, str) for h in hfid):
        found = await reader.find_by_hfid(node.kind, list(hfid))
        if found is not None:
            return found
    spelled = await _hfid_from_input(schema, node, data, reader)
    if spelled is not None:
        found = await reader.find_by_hfid(node.kind, spelled)
        if found is not None:
            return found
    if node.default_filter:
        name, _, prop = node.default_filter.partition("__")
        value = _given_value(data, name, prop)
        if value is not None:
            matches = await reader.find_by_values(node.kind, {name: value})
            if len(matches) == 1:
                return matches[0]
    return None


async def decide_upsert(
    schema: BranchSchema, kind: str, data: Mapping[str, Any], reader: StateReader, new_id: str
) -> Decision:
    """Update the object found by id, hfid or default filter, else create one (`created` set)."""
    node = writable_schema(schema, kind)
    record = await _existing(schema, node, data, reader)
    if record is not None:
        return Decision(node_id=record.uid, events=await update_events(schema, record, data, reader))
    body = {key: value for key, value in data.items() if key != "hfid"}
    events = await decide_create(schema, kind, body, reader, new_id)
    return Decision(node_id=events[0].node_id, events=events, created=True)
