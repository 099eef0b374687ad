"""A schema change on a branch as the API makes it (`POST /api/schema/load`, the
`SchemaDropdown*`/`SchemaEnum*` mutations): the data checks read a graph holding everything
appended so far, and the answer waits until the projector has applied the change, so the next
request on the branch sees the new schema (its GraphQL schema built in the background)."""

from __future__ import annotations

from collections.abc import Callable

from strata_api.resources import Resources
from strata_schema import BranchSchema
from strata_schema.branch import LoadOutcome
from strata_service.branches import BranchRef
from strata_service.schema_service import SchemaLoadResult

__all__ = ["change_schema"]


async def change_schema(
    resources: Resources, ref: BranchRef, change: Callable[[BranchSchema], LoadOutcome], actor: str | None
) -> SchemaLoadResult:
    await resources.wait_projected(ref.id, await resources.store.head(ref.id))
    result = await resources.schemas.change(
        ref, change, probe_for=lambda current: resources.data_probe(ref, current), actor=actor
    )
    if result.changed:
        await resources.wait_projected(ref.id, result.head_seq, appended=True)
        resources.warm_graphql_schema(await resources.schemas.current(ref))
    return result
