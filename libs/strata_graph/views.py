"""Which records a read sees: a branch as of a sequence, over its origin as of the fork point.

A branch B read at its own sequence S_b sees its records valid at S_b, and the origin's
records valid at S_o = min(fork point, origin sequence at the same moment) for objects B has
no record of yet. Main has no origin. "Current" is S = OPEN - 1 (open records only).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from strata_graph.records import OPEN

__all__ = ["CURRENT", "View"]

CURRENT = OPEN - 1


class View(msgspec.Struct, frozen=True, kw_only=True):
    branch: str
    own_seq: int = CURRENT
    origin: str | None = None
    origin_seq: int = 0
    # Branch-agnostic kinds live on the origin only and are read there as of `origin_now`
    # (the moment read), not as of the fork point.
    agnostic: tuple[str, ...] = ()
    origin_now: int = CURRENT

    @classmethod
    def main_current(cls) -> View:
        return cls(branch="main")

    def origin_bounds(self, objects: Sequence[tuple[str, str]]) -> list[list[Any]]:
        """`[id, the origin sequence the view reads that object's records at]` for each of
        `objects` (id, kind): the fork point, or now for a branch-agnostic kind."""
        agnostic = set(self.agnostic)
        return [[uid, self.origin_now if kind in agnostic else self.origin_seq] for uid, kind in objects]

    def params(self) -> dict[str, Any]:
        return {
            "branch": self.branch,
            "own_seq": self.own_seq,
            "origin": self.origin,
            "origin_seq": self.origin_seq,
            "agnostic": list(self.agnostic),
            "origin_now": self.origin_now,
        }
