"""What a request reads a branch through: its reference, its schema and a graph reader, as of now
or as of the `at` the request gives (time travel)."""

from __future__ import annotations

import msgspec

from strata_api.resources import Resources
from strata_graphql.runtime.reader import GraphReader
from strata_graphql.runtime.shaping import agnostic_kinds
from strata_schema import BranchSchema
from strata_service.branches import BranchRef
from strata_service.time_travel import parse_at, view_at

__all__ = ["BranchReading", "read_branch"]


class BranchReading(msgspec.Struct, frozen=True, kw_only=True):
    ref: BranchRef
    schema: BranchSchema
    reader: GraphReader


async def read_branch(resources: Resources, branch: str, at_text: str | None) -> BranchReading:
    """The branch named `branch` (an unknown name raises the branch service's not-found error)."""
    ref = await resources.branches.resolve(branch)
    if at_text:
        view = await view_at(resources.driver, resources.settings.neo4j_database, ref, parse_at(at_text))
        schema = await resources.schemas.as_of(view)
    else:
        view = ref.current_view()
        schema = await resources.schemas.current(ref)
    view = msgspec.structs.replace(view, agnostic=agnostic_kinds(schema))
    reader = GraphReader(resources.driver, resources.settings.neo4j_database, view,
                         checkpoint_stream=resources.names.stream(ref.id),
                         origin_checkpoint_stream=resources.names.stream(ref.origin) if ref.origin else None)  # fmt: skip
    return BranchReading(ref=ref, schema=schema, reader=reader)
