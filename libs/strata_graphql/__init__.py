"""Strata's GraphQL surface, in the dialect of Infrahub 1.x.

`strata_graphql.sdl` turns a branch schema into the SDL text of that branch's GraphQL schema.
"""

from __future__ import annotations

__all__: list[str] = []
