"""Questions about the branch schema that every decision asks."""

from __future__ import annotations

from collections.abc import Iterator

from strata_schema import BranchSchema, GenericSchema, KindSchema, NodeSchema, RelationshipSchema

from .errors import Issue, MutationError

__all__ = [
    "allowed_profile_kinds",
    "implements",
    "one_sided_referrers",
    "peer_side",
    "uniqueness_scope",
    "writable_schema",
]


def writable_schema(schema: BranchSchema, kind: str) -> KindSchema:
    """The schema of a kind objects can be created of: anything but a generic."""
    found = schema.get(kind)
    if found is None:
        raise MutationError([Issue((), f"{kind} is not a kind of this branch")])
    if isinstance(found, GenericSchema):
        raise MutationError([Issue((), f"{kind} is a generic, objects are created with one of {list(found.used_by)}")])
    return found


def implements(schema: BranchSchema, kind: str, target: str) -> bool:
    """Whether objects of `kind` can stand where `target` is expected."""
    if kind == target:
        return True
    wanted = schema.get(target)
    if isinstance(wanted, GenericSchema) and kind in wanted.used_by:
        return True
    own = schema.get(kind)
    return own is not None and target in getattr(own, "inherit_from", ())


def peer_side(schema: BranchSchema, rel: RelationshipSchema, peer_kind: str) -> RelationshipSchema | None:
    """The relationship of `peer_kind` that stores the other end of `rel`, if there is one."""
    peer = schema.get(peer_kind)
    if peer is None or rel.identifier is None:
        return None
    for candidate in peer.relationships:
        if candidate.identifier != rel.identifier:
            continue
        # Two directed ends pointing the same way are not each other's counterpart.
        if rel.direction != "bidirectional" and candidate.direction == rel.direction:
            continue
        return candidate
    return None


def one_sided_referrers(schema: BranchSchema, kind: str) -> Iterator[tuple[str, RelationshipSchema]]:
    """`(owner kind, relationship)` pairs that may point at an object of `kind` without the object
    storing the back-reference. Generics are asked once instead of every kind using them."""
    owners: list[KindSchema] = [
        *schema.generics.values(), *schema.nodes.values(), *schema.profiles.values(), *schema.templates.values(),
    ]
    for owner in owners:
        for rel in owner.relationships:
            if rel.inherited or not implements(schema, kind, rel.peer):
                continue
            if peer_side(schema, rel, kind) is None:
                yield owner.kind, rel


def uniqueness_scope(schema: BranchSchema, node: KindSchema, constraint: tuple[str, ...]) -> str:
    """The kind a constraint is unique across: the generic that declares it, else the node's kind."""
    for parent in getattr(node, "inherit_from", ()):
        generic = schema.get(parent)
        if isinstance(generic, GenericSchema) and constraint in (generic.uniqueness_constraints or ()):
            return generic.kind
    return node.kind


def allowed_profile_kinds(schema: BranchSchema, node: KindSchema) -> list[str] | None:
    """The profile kinds a node may use, or None when any peer of the relationship will do."""
    if not isinstance(node, NodeSchema):
        return None
    allowed = [f"Profile{node.kind}"] if node.generate_profile else []
    for parent in node.inherit_from:
        generic = schema.get(parent)
        if isinstance(generic, GenericSchema) and generic.generate_profile:
            allowed.append(f"Profile{generic.kind}")
    return allowed
