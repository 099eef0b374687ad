"""Values of the fields that depend on other rows: shaped objects with their profiles,
relationships, object references and hfids.

Plain synchronous functions over a `RowLookup`, shared by both executors: the graphql-core
resolvers (one field at a time) and the planned executor (a whole result in one pass). Rows
not loaded yet are noted by the lookup; the caller loads them and computes again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from graphql import GraphQLNonNull, GraphQLOutputType

from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.reader import NodeRow
from strata_graphql.runtime.row_lookup import RowLookup
from strata_graphql.runtime.shaping import (
    ChangeOf,
    HfidOf,
    LinkChangeOf,
    MetadataOf,
    NodeRef,
    RelPeers,
    attribute_value,
    profile_priority,
    profile_values,
    shape_node,
)

__all__ = [
    "LAZY_VALUES",
    "empty_page",
    "lazy_value",
    "hfid_value",
    "is_empty_page_type",
    "node_ref_value",
    "relationship_value",
    "shape",
    "shared_peers",
]

_PROPERTIES: Final[Mapping[str, Any]] = {"is_visible": True, "is_protected": False, "updated_at": None, "source": None, "owner": None}


def shape(ctx: GraphQLContext, row: NodeRow, lookup: RowLookup) -> dict[str, Any]:
    """`row` as GraphQL values, its profiles' values applied; shaped once per request."""
    shaped = ctx.shaped.get(row.uid)
    if shaped is not None and shaped["__row"] is row:
        return shaped
    profile_ids = row.rels.get("profiles", [])
    mine = lookup.rows(profile_ids)
    shaped = shape_node(row, ctx.schema, profile_values(mine) if mine else None, ctx.layouts)
    if all(lookup.has(uid) for uid in profile_ids):
        ctx.shaped[row.uid] = shaped  # a peer shared by many objects is shaped once
    return shaped


def _profile_peers(rel: RelPeers, lookup: RowLookup) -> tuple[list[str], str | None]:
    """Peers an object's profiles give a relationship it leaves empty: (peer ids, profile id)."""
    own = rel.peer_ids
    profile_ids = rel.row.rels.get("profiles", [])
    if own or not profile_ids or rel.schema.name == "profiles":
        return own, None
    for profile in sorted(lookup.rows(profile_ids), key=profile_priority):
        peers = profile.rels.get(rel.schema.name, [])
        if peers:
            return list(peers), profile.uid
    return [], None


def shared_peers(rel: RelPeers) -> tuple[str, ...] | None:
    """The peers a relationship field shows when they are the object's own, so that every
    object naming the same peers through the same field shows the same value; None when the
    object's profiles may give them (the value then depends on the object)."""
    own = rel.peer_ids
    if rel.schema.name in rel.row.peer_props:
        return None  # the holder's edges have properties of their own
    if own or rel.schema.name == "profiles" or not rel.row.rels.get("profiles"):
        return tuple(own)
    return None


def _peer_metadata(node: dict[str, Any]) -> MetadataOf:
    """A relationship edge's `node_metadata`: its peer's, read only if asked."""
    return MetadataOf(node["id"], node["__kind"])


def _link(rel: RelPeers, node: dict[str, Any]) -> LinkChangeOf:
    return LinkChangeOf(rel.row.uid, rel.row.kind, rel.schema.name, node["id"])


def relationship_value(
    ctx: GraphQLContext, rel: RelPeers, args: dict[str, Any], lookup: RowLookup, *, links: bool = True
) -> Any:
    """A relationship field: `{node, properties}` for cardinality one, a page for many; with
    `links`, each edge's `relationship_metadata` (the holder's link to the peer, so a value
    shared between holders must be made without it)."""
    peer_ids, from_profile = _profile_peers(rel, lookup)
    nodes = [shape(ctx, row, lookup) for row in lookup.rows(peer_ids)]
    # read-only from here on: every relationship and edge without a profile shares one dict
    properties = _PROPERTIES
    if from_profile is not None:
        # the SDK reads "from a profile" off the source's kind
        properties = {**_PROPERTIES, "source": NodeRef(from_profile)}
    own_props = rel.row.peer_props.get(rel.schema.name) if from_profile is None else None
    if rel.schema.cardinality == "one":
        # the field is non-null in Infrahub's dialect: an empty relationship has a null node
        if own_props and nodes:
            properties = _edge_properties(own_props.get(nodes[0]["id"]))
        return {"node": nodes[0] if nodes else None, "properties": properties,
                "node_metadata": _peer_metadata(nodes[0]) if nodes else None,
                "relationship_metadata": _link(rel, nodes[0]) if nodes and links else None}  # fmt: skip
    if args.get("ids"):
        wanted = set(args["ids"])
        nodes = [n for n in nodes if n["id"] in wanted]
    offset = int(args.get("offset") or 0)
    limit = args.get("limit")
    page = nodes[offset : offset + limit if limit is not None else None]
    edges = [{"node": n, "properties": _edge_properties(own_props.get(n["id"])) if own_props else properties,
              "node_metadata": _peer_metadata(n),
              "relationship_metadata": _link(rel, n) if links else None} for n in page]  # fmt: skip
    return {"count": len(nodes), "edges": edges}


def _edge_properties(stored: dict[str, Any] | None) -> Mapping[str, Any]:
    """An edge's `properties` from what its holder's record keeps of them (non-defaults only)."""
    if not stored:
        return _PROPERTIES
    out = {**_PROPERTIES, **stored}
    for name in ("source", "owner"):
        if out[name] is not None:
            out[name] = NodeRef(out[name])
    return out


def change_value(ctx: GraphQLContext, ref: ChangeOf, lookup: RowLookup) -> Any:
    """An attribute's `updated_at` (a time) or `updated_by` (its account, shaped)."""
    change = lookup.attribute_change(ref.uid, ref.kind, ref.name)
    if change is None:
        return None
    if not ref.by:
        return change.at
    return node_ref_value(ctx, NodeRef(change.by), lookup) if change.by else None


def link_change_value(ref: LinkChangeOf, lookup: RowLookup) -> dict[str, Any] | None:
    """`relationship_metadata`: when the link was last made, and by which account."""
    change = lookup.link_change(ref.uid, ref.kind, ref.name, ref.peer)
    if change is None:
        return None
    return {"updated_at": change.at, "updated_by": NodeRef(change.by) if change.by else None}


def metadata_value(ref: MetadataOf, lookup: RowLookup) -> dict[str, Any] | None:
    """`node_metadata`: the accounts as references, resolved as any (an actor that is no
    account, such as `system` for the bootstrap, gives a null account)."""
    found = lookup.metadata(ref.uid, ref.kind)
    if found is None:
        return None
    return {
        "created_at": found.created_at, "created_by": NodeRef(found.created_by) if found.created_by else None,
        "updated_at": found.updated_at, "updated_by": NodeRef(found.updated_by) if found.updated_by else None,
    }  # fmt: skip


# values that stand for something read only when a document asks for it (`lazy_value`)
LAZY_VALUES: Final = frozenset({NodeRef, HfidOf, MetadataOf, ChangeOf, LinkChangeOf})


def lazy_value(ctx: GraphQLContext, value: Any, lookup: RowLookup) -> Any:
    """What a value of one of the `LAZY_VALUES` types stands for, from the rows, metadata and
    changes `lookup` has loaded (it notes what it still needs). Both executors resolve through
    here."""
    kind = type(value)
    if kind is NodeRef:
        return node_ref_value(ctx, value, lookup)
    if kind is HfidOf:
        return hfid_value(ctx, value, lookup)
    if kind is MetadataOf:
        return metadata_value(value, lookup)
    if kind is ChangeOf:
        return change_value(ctx, value, lookup)
    if kind is LinkChangeOf:
        return link_change_value(value, lookup)
    raise TypeError(f"not a lazy value: {kind.__name__}")


def node_ref_value(ctx: GraphQLContext, ref: NodeRef, lookup: RowLookup) -> dict[str, Any] | None:
    row = lookup.row(ref.uid)
    return shape(ctx, row, lookup) if row is not None else None


def hfid_value(ctx: GraphQLContext, ref: HfidOf, lookup: RowLookup) -> list[str] | None:
    row = ref.row
    kind_schema = ctx.schema.get(row.kind)
    if kind_schema is None or not kind_schema.human_friendly_id:
        return None
    out: list[str] = []
    for path in kind_schema.human_friendly_id:
        parts = path.split("__")
        value: Any = None
        if len(parts) == 2:
            value = attribute_value(row, kind_schema, parts[0])
        elif len(parts) == 3:
            peers = row.rels.get(parts[0], [])
            peer = lookup.row(peers[0]) if peers else None
            peer_schema = ctx.schema.get(peer.kind) if peer else None
            if peer is not None and peer_schema is not None:
                value = attribute_value(peer, peer_schema, parts[1])
        if value is None:
            return None
        out.append(str(value))
    return out


def is_empty_page_type(return_type: GraphQLOutputType) -> bool:
    """A relationship the dialect always declares but a kind may not have (a leaf kind's
    `children`, a top-level kind's `parent`): it reads as an empty page, not a null."""
    if isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    name = getattr(return_type, "name", "")
    return isinstance(name, str) and name.startswith("NestedPaginated")


def empty_page() -> dict[str, Any]:
    return {"count": 0, "edges": []}
