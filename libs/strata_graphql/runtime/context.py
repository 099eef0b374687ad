"""What one GraphQL request carries: the branch, its schema, a reader, the caller."""

from __future__ import annotations

from typing import Any, Protocol

from strata_graphql.runtime.reader import GraphReader
from strata_schema import BranchSchema

__all__ = ["GraphQLContext", "MutationPort"]


class MutationPort(Protocol):
    """Executes one root mutation field; implemented by the API over the event store."""

    async def execute(self, ctx: GraphQLContext, field: str, args: dict[str, Any], *, answer_object: bool = True) -> Any:
        """`answer_object`: whether the field's selection may read `object` (or a pool's `node`); else
        the object is not read back."""


class GraphQLContext:
    def __init__(
        self,
        *,
        schema: BranchSchema,
        reader: GraphReader,
        branch_name: str,
        branch_id: str,
        actor: str | None,
        mutations: MutationPort | None,
        roots: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.reader = reader
        self.branch_name = branch_name
        self.branch_id = branch_id
        self.actor = actor
        self.mutations = mutations
        self.roots = roots  # resolvers of non-kind root query fields (Branch, InfrahubInfo, …)
        self.shaped: dict[str, dict[str, Any]] = {}  # shaped objects of this request, by id
        self.layouts: dict[str, Any] = {}  # kinds' layouts for shaping (`shaping.shape_node`)
