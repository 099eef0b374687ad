"""The `Relationship` root field: every link between two objects through relationships of the
given identifiers, one edge per linked pair (what `infrahubctl export` reads to carry
many-to-many relationships over).

Strata keeps a relationship as peer ids on the objects that hold it, so a link held on both
sides (a relationship with its reverse, which shares the identifier) is one edge, not two. The
holder comes first among an edge's peers: a one-sided relationship is then added back from its
first peer on import.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.paging import page_of
from strata_graphql.runtime.reader import Filter

__all__ = ["relationships_by_identifier"]

# ids of edges: the same pair through the same identifier always has the same id
_EDGE_IDS = uuid.UUID("6f3d9a52-54c3-4bb4-9d3e-2a2b0c1f7e01")


async def relationships_by_identifier(ctx: GraphQLContext, args: dict[str, Any]) -> dict[str, Any]:
    """`{count, edges}` of the links through `ids`, in the order of (identifier, holder, peer),
    from `offset` for `limit`; a link with a peer in an `excluded_namespaces` namespace is left
    out."""
    identifiers = list(dict.fromkeys(str(i) for i in args.get("ids") or []))
    excluded = set(args.get("excluded_namespaces") or [])
    kinds: dict[str, str] = {}  # the kind of each object met
    links: dict[tuple[str, frozenset[str]], tuple[str, str]] = {}  # first holder, peer
    for identifier in identifiers:
        for kind, name in _holders_of(ctx, identifier):
            _, rows = await ctx.reader.page([kind], filters=[Filter(f"r_{name}", "isnull", False)])
            for row in rows:
                kinds[row.uid] = row.kind
                for peer in row.rels.get(name, []):
                    links.setdefault((identifier, frozenset((row.uid, peer))), (row.uid, peer))
    unknown = [p for _, p in links.values() if p not in kinds]
    kinds.update({uid: row.kind for uid, row in (await ctx.reader.get_many(unknown)).items()} if unknown else {})
    kept = sorted(
        (identifier, holder, peer)
        for (identifier, _), (holder, peer) in links.items()
        if peer in kinds and not _excluded(ctx, (kinds[holder], kinds[peer]), excluded)
    )
    page = page_of(kept, args)
    edges = [{"node": {
        "id": str(uuid.uuid5(_EDGE_IDS, f"{identifier}:{':'.join(sorted((holder, peer)))}")),
        "identifier": identifier,
        "peers": [{"id": holder, "kind": kinds[holder]}, {"id": peer, "kind": kinds[peer]}],
    }} for identifier, holder, peer in page]  # fmt: skip
    return {"count": len(kept), "edges": edges}


def _holders_of(ctx: GraphQLContext, identifier: str) -> list[tuple[str, str]]:
    """(node kind, relationship name) of every relationship with `identifier`."""
    return sorted(
        (kind, rel.name)
        for kind, node in ctx.schema.nodes.items()
        for rel in node.relationships
        if rel.identifier == identifier
    )


def _excluded(ctx: GraphQLContext, kinds: Sequence[str], namespaces: set[str]) -> bool:
    if not namespaces:
        return False
    return any((schema := ctx.schema.get(kind)) is not None and schema.namespace in namespaces for kind in kinds)
