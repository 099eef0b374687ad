"""Applying conflict resolutions (`ConflictResolved` events) to the conflicts a diff found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, Protocol, TypeAlias, get_args

from strata_core.errors import ValidationFailed

from .conflicts import Conflict

__all__ = ["Choices", "Keep", "Resolution", "apply_resolutions"]

Keep = Literal["branch", "main"]
Choices: TypeAlias = Mapping[str, Keep]
"""Conflict id -> the side whose end value the merge keeps."""

_KEEP: frozenset[str] = frozenset(get_args(Keep))


class Resolution(Protocol):
    """What `apply_resolutions` reads from a `ConflictResolved` event."""

    @property
    def conflict_id(self) -> str: ...

    @property
    def keep(self) -> str: ...


def apply_resolutions(
    conflicts: Iterable[Conflict], resolutions: Iterable[Resolution]
) -> tuple[list[Conflict], dict[str, Keep]]:
    """The conflicts still open, and the choice made for each resolved one.

    Resolutions are read in order, so a later one for the same conflict wins. A resolution for
    an id that is no longer in conflict (the two sides came to agree, or the field changed
    path) is dropped; an unknown `keep` is refused.
    """
    wanted: dict[str, Keep] = {}
    for resolution in resolutions:
        keep = resolution.keep
        if keep not in _KEEP:
            raise ValidationFailed(
                f"keep must be 'branch' or 'main', not {keep!r}", conflict_id=resolution.conflict_id
            )
        wanted[resolution.conflict_id] = "branch" if keep == "branch" else "main"
    open_conflicts: list[Conflict] = []
    choices: dict[str, Keep] = {}
    for conflict in conflicts:
        if conflict.id in wanted:
            choices[conflict.id] = wanted[conflict.id]
        else:
            open_conflicts.append(conflict)
    return open_conflicts, choices
