"""`build_sdl`: the whole GraphQL schema of a branch, as SDL text.

The static part (`static/*.graphql`) comes first, then the attribute types, the kinds' types,
their mutation types, and the kinds' root fields as `extend type Query` / `extend type Mutation`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from importlib import resources
from typing import Final

from graphql import ObjectTypeDefinitionNode, parse
from strata_schema import BranchSchema

from ._text import block, field
from .attribute_kinds import attribute_definitions
from .catalogue import ACCOUNT_GENERIC, REQUIRED_GENERICS, KindCatalogue
from .errors import GraphQLNameClash, MissingCoreKinds
from .filters import top_level_filters
from .mutation_types import mutation_definitions, mutation_fields
from .object_types import kind_definitions

__all__ = ["build_sdl", "static_sdl"]

_DEFINED_NAME: Final = re.compile(r"^(?:type|interface|input|enum|scalar|union) (\w+)", re.MULTILINE)
_FIELD_NAME: Final = re.compile(r"^  (\w+)", re.MULTILINE)


@cache
def static_sdl() -> str:
    """The part of the schema that every branch shares: the `static/*.graphql` files, by name."""
    folder = resources.files(__package__).joinpath("static")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".graphql")), key=lambda f: f.name)
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@cache
def _static_root_fields() -> dict[str, frozenset[str]]:
    roots: dict[str, frozenset[str]] = {}
    for definition in parse(static_sdl()).definitions:
        if isinstance(definition, ObjectTypeDefinitionNode) and definition.name.value in ("Query", "Mutation"):
            roots[definition.name.value] = frozenset(f.name.value for f in definition.fields or ())
    return roots


def build_sdl(schema: BranchSchema) -> str:
    """The SDL of the GraphQL schema of `schema`. Deterministic: equal schemas give equal text."""
    catalogue = KindCatalogue(schema)
    missing = [kind for kind in REQUIRED_GENERICS if not catalogue.is_generic(kind)]
    if missing:
        raise MissingCoreKinds(f"the schema lacks the core generics {missing}", kinds=missing)
    query = _query_fields(catalogue)
    mutation = mutation_fields(catalogue)
    _check_root_fields("Query", query)
    _check_root_fields("Mutation", mutation)
    parts = [
        static_sdl().rstrip(),
        *attribute_definitions(),
        *kind_definitions(catalogue),
        *mutation_definitions(catalogue),
        block("extend type", "Query", query),
        block("extend type", "Mutation", mutation),
    ]
    text = "\n\n".join(parts) + "\n"
    _check_type_names(text)
    return text


def _query_fields(catalogue: KindCatalogue) -> list[str]:
    out = [
        field(item.kind, f"Paginated{item.kind}!", top_level_filters(catalogue, item), description=item.description)
        for item in catalogue.kinds
    ]
    if catalogue.is_generic(ACCOUNT_GENERIC):
        out.append(field("AccountProfile", ACCOUNT_GENERIC, description="The account making the request"))
    return out


def _check_root_fields(root: str, fields: list[str]) -> None:
    names = [_FIELD_NAME.findall(text)[0] for text in fields]
    clashes = sorted(n for n, count in Counter([*names, *_static_root_fields()[root]]).items() if count > 1)
    if clashes:
        raise GraphQLNameClash(f"{root} fields defined twice: {clashes}", root=root, names=clashes)


def _check_type_names(text: str) -> None:
    clashes = sorted(n for n, count in Counter(_DEFINED_NAME.findall(text)).items() if count > 1)
    if clashes:
        raise GraphQLNameClash(f"GraphQL types defined twice: {clashes}", names=clashes)
