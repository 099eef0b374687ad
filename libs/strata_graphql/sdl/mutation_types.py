"""The write side of each kind: mutation inputs, payloads and the root mutation fields.

Every node, profile and template kind `K` gets `KCreate`, `KUpdate`, `KUpsert` and `KDelete`; a
generic with fields gets `KUpdate` only. A payload type is named like its mutation field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from strata_schema import AttributeSchema, GenericSchema, KindSchema, RelationshipSchema
from strata_schema.constants import FILE_OBJECT_KIND, OBJECT_TEMPLATE_RELATIONSHIP

from ._text import Arg, block, field
from .attribute_kinds import attribute_graphql
from .catalogue import KindCatalogue

__all__ = ["mutation_definitions", "mutation_fields"]

_CONTEXT: Final[Arg] = ("context", "ContextInput")


def mutation_definitions(catalogue: KindCatalogue) -> list[str]:
    """Input and payload types of every kind's mutations."""
    out: list[str] = []
    for generic in catalogue.generics:
        if _updatable(generic):
            out.append(_update_input(catalogue, generic))
            out.append(_payload(generic, "Update"))
    for item in catalogue.objects:
        out += [_create_input(catalogue, item), _update_input(catalogue, item), _upsert_input(catalogue, item)]
        out += [_payload(item, action) for action in ("Create", "Update", "Upsert")]
        out.append(block("type", f"{item.kind}Delete", [field("ok", "Boolean")], description=item.description))
    return out


def mutation_fields(catalogue: KindCatalogue) -> list[str]:
    """The `Mutation` fields of every kind."""
    out: list[str] = []
    for generic in catalogue.generics:
        if _updatable(generic):
            out.append(_root_field(generic.kind, "Update", f"{generic.kind}UpdateInput!"))
    for item in catalogue.objects:
        kind = item.kind
        # a file object's file comes with its create (required) or update (optional), as a
        # multipart request's upload
        holds_file = FILE_OBJECT_KIND in getattr(item, "inherit_from", ())
        out += [
            _root_field(kind, "Create", f"{kind}CreateInput!", ("file", "Upload!") if holds_file else None),
            _root_field(kind, "Update", f"{kind}UpdateInput!", ("file", "Upload") if holds_file else None),
            _root_field(kind, "Upsert", f"{kind}UpsertInput!", ("file", "Upload!") if holds_file else None),
            _root_field(kind, "Delete", "DeleteInput!"),
        ]
    return out


def _updatable(generic: GenericSchema) -> bool:
    return bool(generic.attributes or generic.relationships)


def _root_field(kind: str, action: str, data: str, file: Arg | None = None) -> str:
    args: list[Arg] = [("data", data), _CONTEXT]
    return field(f"{kind}{action}", f"{kind}{action}", [*args, file] if file else args)


def _payload(item: KindSchema, action: str) -> str:
    fields = [field("ok", "Boolean"), field("object", item.kind)]
    return block("type", f"{item.kind}{action}", fields, description=item.description)


def _writable_attributes(item: KindSchema) -> list[AttributeSchema]:
    return [a for a in item.attributes if not a.read_only]


def _writable_relationships(catalogue: KindCatalogue, item: KindSchema) -> list[RelationshipSchema]:
    return [r for r in catalogue.relationships(item) if not r.read_only]


def _peer_input(catalogue: KindCatalogue, rel: RelationshipSchema) -> str:
    single = catalogue.related_input(rel)
    return single if rel.cardinality == "one" else f"[{single}]"


def _create_input(catalogue: KindCatalogue, item: KindSchema) -> str:
    # Required values are checked when the node is built, not by GraphQL, as in Infrahub.
    fields: list[Arg] = [("id", "String")]
    fields += [(a.name, attribute_graphql(a.kind).create_input) for a in _writable_attributes(item)]
    fields += [(r.name, _peer_input(catalogue, r)) for r in _writable_relationships(catalogue, item)]
    return _input(f"{item.kind}CreateInput", fields)


def _update_input(catalogue: KindCatalogue, item: KindSchema) -> str:
    fields: list[Arg] = [("id", "String"), ("hfid", "[String]")]
    fields += [(a.name, attribute_graphql(a.kind).update_input) for a in _writable_attributes(item)]
    fields += [(r.name, _peer_input(catalogue, r)) for r in _writable_relationships(catalogue, item)]
    return _input(f"{item.kind}UpdateInput", fields)


def _upsert_input(catalogue: KindCatalogue, item: KindSchema) -> str:
    """Like the update input, but what a new node needs is required (an attribute not when the
    kind has object templates: the one the input names may give it)."""
    fields: list[Arg] = [("id", "String"), ("hfid", "[String]")]
    templated = item.relationship(OBJECT_TEMPLATE_RELATIONSHIP) is not None
    for attr in _writable_attributes(item):
        needed = not attr.optional and attr.default_value is None and not templated
        fields.append((attr.name, attribute_graphql(attr.kind).update_input + ("!" if needed else "")))
    for rel in _writable_relationships(catalogue, item):
        fields.append((rel.name, _peer_input(catalogue, rel) + ("" if rel.optional else "!")))
    return _input(f"{item.kind}UpsertInput", fields)


def _input(name: str, fields: Sequence[Arg]) -> str:
    return block("input", name, [field(n, t) for n, t in dict(fields).items()])
