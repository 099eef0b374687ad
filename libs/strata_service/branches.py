"""Branch names to ids and read views. Main's id is `main`; other ids come from the graph."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec
from neo4j import AsyncDriver

from strata_core.errors import BranchNotFound
from strata_graph.views import View
from strata_graph.driver import read_records

__all__ = ["BranchDirectory", "BranchRef"]

_FIND_BRANCH = """
MATCH (b:Branch {name: $name}) WHERE b.deleted_seq IS NULL
RETURN b.id AS id, b.origin AS origin, b.fork_seq AS fork_seq, b.fork_time AS fork_time, b.merged_seq AS merged_seq,
       coalesce(b.earlier_forks, []) AS earlier_forks, coalesce(b.rebased_at, []) AS rebased_at
"""

# The checkpoint first: branch rows read after it are at least as new (see `live_names_at_checkpoint`).
_LIVE_NAMES_WITH_CHECKPOINT = """
OPTIONAL MATCH (c:Checkpoint {stream: $stream})
WITH c.seq AS checkpoint
OPTIONAL MATCH (b:Branch) WHERE b.deleted_seq IS NULL
RETURN coalesce(checkpoint, 0) AS checkpoint, collect(b.name) AS names
"""


class BranchRef(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    origin: str | None = None
    fork_seq: int = 0
    fork_time: str | None = None  # ISO 8601, as the creating (or last rebasing) event says
    merged_seq: int | None = None
    # one entry per rebase: the branch sequence it took effect at, and the fork point it replaced
    rebased_at: tuple[int, ...] = ()
    earlier_forks: tuple[int, ...] = ()

    def current_view(self) -> View:
        return View(branch=self.id, origin=self.origin, origin_seq=self.fork_seq)

    def fork_seq_at(self, own_seq: int) -> int:
        """The fork point in force when the branch was at `own_seq`: a rebase at sequence R
        holds from R on, so before the first rebase after `own_seq` its earlier fork held."""
        for rebased, earlier in zip(self.rebased_at, self.earlier_forks, strict=True):
            if own_seq < rebased:
                return earlier
        return self.fork_seq


class BranchDirectory:
    """`catch_up`, when given, lets the read model reach main's head before a name is called
    unknown: a branch is answered as created before the projector has written it."""

    def __init__(
        self, driver: AsyncDriver, database: str, *, catch_up: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._driver = driver
        self._database = database
        self._catch_up = catch_up

    async def live_names_at_checkpoint(self, stream: str) -> tuple[set[str], int]:
        """The names of the live branches in the read model, and the sequence of `stream`
        (main's) the model had reached when it was asked. The model may have moved on between
        the two reads; it is never behind the checkpoint returned."""
        records = await read_records(self._driver, self._database, _LIVE_NAMES_WITH_CHECKPOINT, stream=stream)
        return set(records[0]["names"]), int(records[0]["checkpoint"])

    async def resolve(self, name: str) -> BranchRef:
        if name == "main":
            return BranchRef(id="main", name="main")
        records = await read_records(self._driver, self._database, _FIND_BRANCH, name=name)
        if not records and self._catch_up is not None:
            await self._catch_up()
            records = await read_records(self._driver, self._database, _FIND_BRANCH, name=name)
        if not records:
            raise BranchNotFound(f"Branch: {name} not found.", branch=name)
        row = records[0]
        return BranchRef(id=row["id"], name=name, origin=row["origin"], fork_seq=int(row["fork_seq"] or 0),
                         fork_time=row["fork_time"], merged_seq=row["merged_seq"], rebased_at=tuple(row["rebased_at"]),
                         earlier_forks=tuple(row["earlier_forks"]))  # fmt: skip
