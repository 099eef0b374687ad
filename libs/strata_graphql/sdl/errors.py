"""Errors raised while turning a branch schema into a GraphQL schema."""

from __future__ import annotations

from strata_core.errors import StrataError

__all__ = ["GraphQLNameClash", "MissingCoreKinds"]


class GraphQLNameClash(StrataError):
    """Two kinds, or a kind and a built-in type, would need the same GraphQL name."""

    code = "graphql.name_clash"


class MissingCoreKinds(StrataError):
    """The schema lacks a core kind that the built-in GraphQL types refer to."""

    code = "graphql.missing_core_kinds"
