"""Relationship inputs (`{id}`, `{hfid, kind}`) to the records of the peers they name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import msgspec

from strata_events import PeerProperties
from strata_schema import BranchSchema, KindSchema, RelationshipSchema

from ._kinds import allowed_profile_kinds, implements
from .errors import Issues, Path
from .reader import StateReader
from .records import NodeRecord

__all__ = ["PeerRef", "parse_refs", "resolve_peers"]

_FLAG_PROPERTIES: Final = frozenset({"_relation__is_visible", "_relation__is_protected"})
_NODE_PROPERTIES: Final = frozenset({"_relation__owner", "_relation__source"})
_REF_KEYS: Final = frozenset({"id", "hfid", "kind"}) | _FLAG_PROPERTIES | _NODE_PROPERTIES


class PeerRef(msgspec.Struct, frozen=True):
    """One peer named in the input, and where."""

    path: Path
    id: str | None = None
    hfid: tuple[str, ...] | None = None
    kind: str | None = None
    # the edge's properties the input sets (`_relation__*`), None when it sets none
    properties: PeerProperties | None = None


def _parse_ref(item: Any, path: Path, issues: Issues) -> PeerRef | None:
    if isinstance(item, str):
        return PeerRef(path, id=item)
    if not isinstance(item, Mapping):
        issues.add(path, "a peer is given as an object with an id or an hfid")
        return None
    ok = True
    for key, value in item.items():
        if key == "from_pool":
            issues.add((*path, key), "allocating a peer from a resource pool is not supported")
            ok = False
        elif key not in _REF_KEYS:
            issues.add((*path, key), f"{key} is not a valid input for a related node")
            ok = False
        elif key in _FLAG_PROPERTIES and value is not None and not isinstance(value, bool):
            issues.add((*path, key), f"{key} must be a boolean")
            ok = False
        elif key in _NODE_PROPERTIES | {"id", "kind"} and value is not None and not isinstance(value, str):
            issues.add((*path, key), f"{key} must be a string")
            ok = False
    hfid = item.get("hfid")
    if hfid is not None and not (isinstance(hfid, list | tuple) and all(isinstance(h, str) for h in hfid)):
        issues.add((*path, "hfid"), "hfid must be a list of strings")
        ok = False
    if not item.get("id") and not hfid:
        issues.add(path, "either id or hfid must be provided to identify a related node")
        ok = False
    if not ok:
        return None
    given = {key.removeprefix("_relation__"): item[key] for key in _FLAG_PROPERTIES | _NODE_PROPERTIES
             if item.get(key) is not None}  # fmt: skip
    return PeerRef(path, id=item.get("id") or None, hfid=tuple(hfid) if hfid else None, kind=item.get("kind"),
                   properties=PeerProperties(**given) if given else None)  # fmt: skip


def parse_refs(rel: RelationshipSchema, raw: Any, path: Path, issues: Issues) -> list[PeerRef] | None:
    """The peers an input names for `rel` (null means none), or None if the input is refused."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        if rel.cardinality == "one":
            issues.add(path, f"{rel.name} takes a single related node, not a list")
            return None
        parsed = [_parse_ref(item, (*path, index), issues) for index, item in enumerate(raw)]
    elif isinstance(raw, Mapping):
        parsed = [_parse_ref(raw, path if rel.cardinality == "one" else (*path, 0), issues)]
    else:
        issues.add(path, f"{rel.name} expects a related node such as {{id: ...}}")
        return None
    refs = [ref for ref in parsed if ref is not None]
    return refs if len(refs) == len(parsed) else None


def _not_found(ref: PeerRef, kind: str) -> str:
    identifier = ref.id if ref.id else "__".join(ref.hfid or ())
    return f"Unable to find the node {identifier} / {kind} in the database."


async def _by_default_filter(schema: BranchSchema, reader: StateReader, kind: str, text: str) -> NodeRecord | None:
    # Infrahub accepts a peer's default-filter value where an id is expected (a tag by name).
    peer = schema.get(kind)
    if peer is None or not peer.default_filter:
        return None
    found = await reader.find_by_values(kind, {peer.default_filter.split("__")[0]: text})
    return found[0] if len(found) == 1 else None


def _check_kind(
    schema: BranchSchema, owner: KindSchema, rel: RelationshipSchema, record: NodeRecord, path: Path, issues: Issues
) -> bool:
    if not implements(schema, record.kind, rel.peer):
        issues.add(path, f"{record.kind} {record.uid} cannot be a peer of {rel.name}, which takes {rel.peer}")
        return False
    if rel.kind == "Profile":
        allowed = allowed_profile_kinds(schema, owner)
        if allowed is not None and record.kind not in allowed:
            issues.add(path, f"peer {record.uid} is of kind {record.kind}, only {sorted(allowed)} are allowed")
            return False
    return True


async def _resolve_one(
    schema: BranchSchema,
    owner: KindSchema,
    rel: RelationshipSchema,
    ref: PeerRef,
    by_id: Mapping[str, NodeRecord],
    reader: StateReader,
    issues: Issues,
) -> NodeRecord | None:
    if ref.kind is not None and not implements(schema, ref.kind, rel.peer):
        issues.add((*ref.path, "kind"), f"{ref.kind} is not a kind of {rel.peer}")
        return None
    record: NodeRecord | None = None
    if ref.id:
        record = by_id.get(ref.id) or await _by_default_filter(schema, reader, rel.peer, ref.id)
    elif ref.hfid:
        record = await reader.find_by_hfid(ref.kind or rel.peer, list(ref.hfid))
    if record is None:
        issues.add(ref.path, _not_found(ref, ref.kind or rel.peer))
        return None
    return record if _check_kind(schema, owner, rel, record, ref.path, issues) else None


def _lineage_ok(schema: BranchSchema, ref: PeerRef, by_id: Mapping[str, NodeRecord], issues: Issues) -> bool:
    """Whether the edge's `source` and `owner`, if set, name objects that can be one (Infrahub's
    `LineageSource` and `LineageOwner`, such as an account)."""
    ok = True
    assert ref.properties is not None
    for prop, generic in (("source", "LineageSource"), ("owner", "LineageOwner")):
        uid = getattr(ref.properties, prop)
        if not uid:
            continue
        found = by_id.get(uid)
        if found is None:
            issues.add((*ref.path, f"_relation__{prop}"), f"_relation__{prop}: Unable to find the node {uid} in the database.")
            ok = False
        elif not implements(schema, found.kind, generic):
            issues.add((*ref.path, f"_relation__{prop}"), f"_relation__{prop}: {found.kind} {uid} cannot be the {prop} "
                                                          f"of a relationship, which takes a {generic}")  # fmt: skip
            ok = False
    return ok


async def resolve_peers(
    schema: BranchSchema,
    owner: KindSchema,
    reader: StateReader,
    wanted: Mapping[str, Sequence[PeerRef]],
    issues: Issues,
    properties: dict[str, dict[str, PeerProperties]] | None = None,
) -> dict[str, list[NodeRecord]]:
    """The records of the peers named per relationship, checked for kind, without duplicates.
    A relationship with a peer that cannot be used is left out (the problem is in `issues`).
    With `properties`, the edge properties the input sets go there, by relationship and peer id."""
    lineage = {
        value for refs in wanted.values() for ref in refs if ref.properties
        for value in (ref.properties.source, ref.properties.owner) if value
    }  # fmt: skip
    ids = sorted({ref.id for refs in wanted.values() for ref in refs if ref.id} | lineage)
    by_id = await reader.get(ids) if ids else {}
    resolved: dict[str, list[NodeRecord]] = {}
    for name, refs in wanted.items():
        rel = owner.relationship(name)
        if rel is None:
            continue
        records: dict[str, NodeRecord] = {}
        failed = False
        for ref in refs:
            record = await _resolve_one(schema, owner, rel, ref, by_id, reader, issues)
            if ref.properties is not None and not _lineage_ok(schema, ref, by_id, issues):
                failed = True
            elif record is None:
                failed = True
            else:
                records.setdefault(record.uid, record)
                if properties is not None and ref.properties is not None:
                    properties.setdefault(name, {})[record.uid] = ref.properties
        if not failed:
            resolved[name] = list(records.values())
        elif properties is not None:
            properties.pop(name, None)
    return resolved
