"""The GraphQL schema of a branch, generated from its `BranchSchema` as SDL text (Infrahub 1.x dialect).

`build_sdl(schema)` is a pure function returning the SDL; `build_graphql_schema(schema, cache)`
builds and validates the `graphql.GraphQLSchema`, kept per schema hash in a `GraphQLSchemaCache`.
No GraphQL classes are built at run time: resolvers are bound later, by name, to this SDL.
"""

from __future__ import annotations

from .attribute_kinds import ATTRIBUTE_GRAPHQL, AttributeGraphQL, attribute_graphql
from .builder import build_sdl, static_sdl
from .cache import GraphQLSchemaCache, build_graphql_schema
from .errors import GraphQLNameClash, MissingCoreKinds

__all__ = [
    "ATTRIBUTE_GRAPHQL",
    "AttributeGraphQL",
    "GraphQLNameClash",
    "GraphQLSchemaCache",
    "MissingCoreKinds",
    "attribute_graphql",
    "build_graphql_schema",
    "build_sdl",
    "static_sdl",
]
