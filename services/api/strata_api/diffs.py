"""A branch's diff in Infrahub's DiffTree shape, shared by GraphQL and REST."""

from __future__ import annotations

from typing import Any

from strata_api.resources import Resources
from strata_branching import diff_tree, diff_tree_summary

__all__ = ["branch_diff"]


async def branch_diff(resources: Resources, branch: str, *, summary: bool = False) -> dict[str, Any] | None:
    """None for main (it has no diff against itself)."""
    ref = await resources.branches.resolve(branch)
    if ref.id == "main":
        return None
    schema = await resources.schemas.current(ref)
    changes = await resources.merges.changes.compute(ref, schema)
    if summary:
        return diff_tree_summary(
            ref.name, changes.branch, changes.conflicts, from_time=changes.from_time, to_time=changes.to_time
        )
    return diff_tree(
        ref.name, changes.branch, changes.conflicts, from_time=changes.from_time,
        to_time=changes.to_time, choices=changes.choices,
    )  # fmt: skip
