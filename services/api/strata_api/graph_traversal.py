"""`InfrahubPathTraversal` and `InfrahubReachableNodes` (infrahub-sdk's `traverse_paths`,
`path_exists` and `reachable_nodes`): paths between objects through their relationships.

The objects are the vertices and each relationship link an edge, followed from an object that
holds it (a relationship with a reverse of the same identifier is held on both ends, so it is
followed both ways; one without a reverse only from its holder). The search reads the branch's
objects a layer at a time, one read per layer, breadth first: the shortest paths come from the
parents each object was reached from in the layer before. Hubs that would join everything to
everything are not walked through unless asked (`_DEFAULT_EXCLUDED_*`): the source, the
destination and the target kinds are always allowed. A search reads at most `_BUDGET`
objects; a search stopped by it says at which depth (`truncated_at_depth`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.field_values import hfid_value, shape
from strata_graphql.runtime.node_rows import NodeRow
from strata_graphql.runtime.resolvers import settle
from strata_graphql.runtime.shaping import HfidOf, concrete_kinds
from strata_schema import RelationshipSchema

__all__ = ["path_traversal", "reachable_nodes"]

_DEFAULT_MAX_DEPTH, _MAX_DEPTH = 6, 12
_DEFAULT_MAX_PATHS, _DEFAULT_MAX_RESULTS = 10, 100
_BUDGET = 20_000  # objects read by one search
# namespaces of built-in kinds (groups, tags, accounts, profiles, …) and the generic every IP
# prefix and address points to: through them, everything is two hops from everything
_DEFAULT_EXCLUDED_NAMESPACES = frozenset({"Core", "Builtin", "Internal", "Lineage", "Profile", "Template"})
_DEFAULT_EXCLUDED_GENERICS = ("BuiltinIPNamespace",)

Edge = tuple[str, RelationshipSchema]  # the object reached from, and the relationship followed


class _Search:
    """The objects read so far and the rules of one search."""

    def __init__(self, ctx: GraphQLContext, passable: frozenset[str] | None, identifiers: frozenset[str] | None) -> None:
        self.ctx = ctx
        self.rows: dict[str, NodeRow | None] = {}
        self._passable = passable  # kinds a path may go through; None: any
        self._identifiers = identifiers  # relationship identifiers a path may follow; None: any

    async def load(self, ids: Iterable[str]) -> None:
        missing = [i for i in dict.fromkeys(ids) if i not in self.rows]
        if missing:
            found = await self.ctx.reader.get_many(missing)
            self.rows.update({i: found.get(i) for i in missing})

    def over_budget(self) -> bool:
        return len(self.rows) > _BUDGET

    def passable(self, uid: str) -> bool:
        row = self.rows.get(uid)
        return row is not None and (self._passable is None or row.kind in self._passable)

    def links(self, uid: str) -> list[tuple[str, RelationshipSchema]]:
        row = self.rows.get(uid)
        kind_schema = self.ctx.schema.get(row.kind) if row is not None else None
        if row is None or kind_schema is None:
            return []
        out: list[tuple[str, RelationshipSchema]] = []
        for rel in kind_schema.relationships:
            if self._identifiers is not None and rel.identifier not in self._identifiers:
                continue
            out += [(peer, rel) for peer in row.rels.get(rel.name, [])]
        return out


async def _layers(
    search: _Search, source: str, max_depth: int, stop_at: str | None
) -> tuple[dict[str, int], dict[str, list[Edge]], int | None]:
    """Breadth first from `source`: each object's depth and the edges it was first reached by
    (all of them, from the layer before), and the depth at which the budget stopped it."""
    depth: dict[str, int] = {source: 0}
    parents: dict[str, list[Edge]] = {source: []}
    frontier = [source]
    for level in range(1, max_depth + 1):
        await search.load(frontier)
        reached: list[str] = []
        for uid in frontier:
            if uid != source and not search.passable(uid):
                continue  # reached, not walked through
            for peer, rel in search.links(uid):
                if peer not in depth:
                    depth[peer], parents[peer] = level, [(uid, rel)]
                    reached.append(peer)
                elif depth[peer] == level:
                    parents[peer].append((uid, rel))
        await search.load(reached)
        reached = [uid for uid in reached if search.rows.get(uid) is not None]  # gone objects lead nowhere
        if stop_at is not None and stop_at in depth:
            return depth, parents, None
        if search.over_budget():
            return depth, parents, level
        frontier = reached
        if not frontier:
            break
    return depth, parents, None


def _shortest(parents: dict[str, list[Edge]], target: str, limit: int) -> list[list[tuple[str, RelationshipSchema | None]]]:
    """Up to `limit` shortest paths from the source to `target`: each a list of (object, the
    relationship followed to reach it), the source's None."""
    paths: list[list[tuple[str, RelationshipSchema | None]]] = []

    def back(uid: str, tail: list[tuple[str, RelationshipSchema | None]]) -> None:
        if len(paths) >= limit:
            return
        if not parents.get(uid):
            paths.append([(uid, None), *tail])
            return
        for parent, rel in parents[uid]:
            back(parent, [(uid, rel), *tail])

    back(target, [])
    return paths


async def _all_simple(
    search: _Search, source: str, destination: str, max_depth: int, limit: int
) -> tuple[list[list[tuple[str, RelationshipSchema | None]]], int | None]:
    """Every loopless path (depth first, up to `limit`), and the depth where the budget stopped it."""
    found: list[list[tuple[str, RelationshipSchema | None]]] = []
    stopped: list[int] = []

    async def walk(path: list[tuple[str, RelationshipSchema | None]], on_path: set[str]) -> None:
        uid = path[-1][0]
        if len(found) >= limit or stopped:
            return
        if uid == destination:
            found.append(list(path))
            return
        if len(path) > max_depth or (uid != source and not search.passable(uid)):
            return
        if search.over_budget():
            stopped.append(len(path) - 1)
            return
        links = [(peer, rel) for peer, rel in search.links(uid) if peer not in on_path]
        await search.load(peer for peer, _ in links)
        for peer, rel in links:
            if search.rows.get(peer) is not None:
                await walk([*path, (peer, rel)], on_path | {peer})

    await search.load([source])
    await walk([(source, None)], {source})
    return sorted(found, key=len), (stopped[0] if stopped else None)


async def _answer_nodes(search: _Search, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """`PathNode`s (id, kind, the kind's label, display label, hfid) of the objects `ids`."""
    rows = [row for uid in dict.fromkeys(ids) if (row := search.rows.get(uid)) is not None]
    ctx = search.ctx

    def compute(lookup: Any) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for row in rows:
            shaped = shape(ctx, row, lookup)
            kind_schema = ctx.schema.get(row.kind)
            hfid = shaped.get("hfid")
            out[row.uid] = {
                "id": row.uid, "kind": row.kind,
                "label": (kind_schema.label if kind_schema is not None else None) or row.kind,
                "display_label": str(shaped.get("display_label") or ""),
                "hfid": (hfid_value(ctx, hfid, lookup) or []) if isinstance(hfid, HfidOf) else [],
            }  # fmt: skip
        return out

    return await settle(ctx, compute)


def _reverse(search: _Search, rel: RelationshipSchema, reached: str) -> RelationshipSchema | None:
    """The relationship of the reached object's kind that is the other end of `rel`."""
    row = search.rows.get(reached)
    kind_schema = search.ctx.schema.get(row.kind) if row is not None else None
    if kind_schema is None:
        return None
    ends = [r for r in kind_schema.relationships if r.identifier == rel.identifier]
    return next((r for r in ends if r.name != rel.name), ends[0] if ends else None)


def _answer_path(
    search: _Search, hops: Sequence[tuple[str, RelationshipSchema | None]], nodes: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    out: list[dict[str, Any]] = []
    for uid, rel in hops:
        edge = None
        if rel is not None:
            other = _reverse(search, rel, uid)
            edge = {"from_rel": rel.name, "from_label": rel.label or rel.name, "kind": str(rel.kind),
                    "to_rel": other.name if other else "", "to_label": (other.label or other.name) if other else ""}  # fmt: skip
        out.append({"node": nodes[uid], "relationship": edge})
    return {"hops": out, "depth": len(hops) - 1}


def _depth(data: dict[str, Any]) -> int:
    depth = data.get("max_depth")
    if depth is None:
        return _DEFAULT_MAX_DEPTH
    if not 1 <= int(depth) <= _MAX_DEPTH:
        raise ValidationFailed(f"max_depth: between 1 and {_MAX_DEPTH}, not {depth}", field="max_depth")
    return int(depth)


def _count(data: dict[str, Any], name: str, default: int) -> int:
    value = data.get(name)
    if value is not None and int(value) < 1:
        raise ValidationFailed(f"{name}: at least 1, not {value}", field=name)
    return default if value is None else int(value)


def _kinds(ctx: GraphQLContext, names: Iterable[str], field: str) -> set[str]:
    out: set[str] = set()
    for name in names:
        if ctx.schema.get(name) is None:
            raise ValidationFailed(f"{field}: no kind {name!r} in the schema", field=field)
        out.update(concrete_kinds(ctx.schema, name))
    return out


def _excluded(ctx: GraphQLContext, data: dict[str, Any]) -> set[str]:
    """The kinds a path does not walk through: the defaults, plus those asked, minus those re-included."""
    namespaces = _DEFAULT_EXCLUDED_NAMESPACES | set(data.get("excluded_namespaces") or [])
    excluded = {kind for kind, node in ctx.schema.nodes.items() if node.namespace in namespaces}
    excluded |= {kind for generic in _DEFAULT_EXCLUDED_GENERICS if ctx.schema.get(generic) is not None
                 for kind in concrete_kinds(ctx.schema, generic)}  # fmt: skip
    excluded |= _kinds(ctx, data.get("excluded_kinds") or [], "excluded_kinds")
    return excluded - _kinds(ctx, data.get("included_kinds") or [], "included_kinds")


async def _endpoints(search: _Search, ends: dict[str, str]) -> None:
    """Read the objects a search starts or ends at (field -> id) at once; each must exist."""
    await search.load(ends.values())
    for field, uid in ends.items():
        if search.rows.get(uid) is None:
            raise ValidationFailed(f"{field}: no object {uid!r} on this branch", field=field)


async def path_traversal(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
    data = args["data"]
    source, destination = str(data["source_id"]), str(data["destination_id"])
    max_depth, limit = _depth(data), _count(data, "max_paths", _DEFAULT_MAX_PATHS)
    excluded = _excluded(ctx, data)
    allowed = set(ctx.schema.nodes) - excluded
    if data.get("kind_filter"):
        allowed &= _kinds(ctx, data["kind_filter"], "kind_filter")
    identifiers = frozenset(data["relationship_filter"]) if data.get("relationship_filter") else None
    search = _Search(ctx, frozenset(allowed), identifiers)
    await _endpoints(search, {"source_id": source, "destination_id": destination})
    if data.get("shortest_paths_only") is False:
        hops, truncated = await _all_simple(search, source, destination, max_depth, limit)
    else:
        depth, parents, truncated = await _layers(search, source, max_depth, destination)
        hops = _shortest(parents, destination, limit) if destination in depth and destination != source else []
    nodes = await _answer_nodes(search, [source, destination, *(uid for path in hops for uid, _ in path)])
    paths = [_answer_path(search, path, nodes) for path in hops]
    return {"paths": paths, "source": nodes[source], "destination": nodes[destination], "count": len(paths),
            "excluded_kinds": sorted(excluded), "truncated_at_depth": truncated}  # fmt: skip


async def reachable_nodes(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
    data = args["data"]
    source = str(data["source_id"])
    targets = _kinds(ctx, data.get("target_kinds") or [], "target_kinds")
    if not targets:
        raise ValidationFailed("target_kinds: at least one kind", field="target_kinds")
    max_depth = _depth(data)
    max_results = _count(data, "max_results", _DEFAULT_MAX_RESULTS)
    _count(data, "max_paths", 1)  # checked; a reachable node answers one path, a shortest one
    search = _Search(ctx, frozenset((set(ctx.schema.nodes) - _excluded(ctx, {})) | targets), None)
    await _endpoints(search, {"source_id": source})
    depth, parents, _ = await _layers(search, source, max_depth, None)
    found = sorted((d, uid) for uid, d in depth.items()
                   if uid != source and (row := search.rows.get(uid)) is not None and row.kind in targets)[:max_results]  # fmt: skip
    hops = {uid: _shortest(parents, uid, 1) for _, uid in found}
    nodes = await _answer_nodes(search, [source, *(uid for paths in hops.values() for path in paths for uid, _ in path)])
    dependencies = [{"node": nodes[uid], "depth": d, "path": _answer_path(search, hops[uid][0], nodes)} for d, uid in found]
    return {"source": nodes[source], "dependencies": dependencies, "count": len(dependencies)}
