"""`strata verify`: rebuild the read model from zero beside the live one and compare digests,
branch stream by branch stream, once the live projector has reached the same heads.

Exit 0 only when every digest is equal; the last line says EQUAL, DIFFERENT (exit 1) or, when
no comparison was possible (the live projector did not catch up), NOT VERIFIED (exit 2).
"""

from __future__ import annotations

import asyncio
import sys
import uuid

import msgspec
from neo4j import AsyncDriver

from strata_cli.progress import Progress
from strata_cli.read_model import ProjectedLog, project_log
from strata_cli.replay import refuse_live_target, side_read_model
from strata_core.settings import Settings
from strata_eventstore import StreamNames
from strata_graph.driver import open_driver
from strata_graph.maintenance import graph_digest
from strata_projection.lag import graph_checkpoints

__all__ = ["BranchVerdict", "run_verify", "verify_read_model"]

_SIDE_DATABASE = "neo4j"
_ATTEMPTS = 5  # the log may move on while we compare: fold the new events and try again


class BranchVerdict(msgspec.Struct, frozen=True, kw_only=True):
    branch_id: str
    seq: int
    live: str
    rebuilt: str

    @property
    def equal(self) -> bool:
        return self.live == self.rebuilt


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    branches: list[BranchVerdict]
    live: str
    rebuilt: str
    events: int
    problem: str | None = None  # why no comparison could be made

    @property
    def equal(self) -> bool:
        return self.problem is None and self.live == self.rebuilt and all(b.equal for b in self.branches)


async def _wait_for_live(settings: Settings, live: AsyncDriver, ends: dict[str, int], timeout_s: float) -> dict[str, int] | str:
    """The live checkpoints (of every branch stream it has) once each stream reached its end in
    `ends`, or why not."""
    names = StreamNames(prefix=settings.stream_prefix)
    progress = Progress("verify: live projector", total=sum(ends.values()))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while True:
            checkpoints = await graph_checkpoints(live, settings.neo4j_database)
            reached = {b: checkpoints.get(names.stream(b), 0) for b in ends}
            for stream, seq in checkpoints.items():  # a branch created since the rebuild began
                branch_id = names.branch_id_of_stream(stream)
                if branch_id is not None and branch_id not in reached:
                    reached[branch_id] = seq
            progress.advance(sum(min(reached[b], end) for b, end in ends.items()) - progress.done)
            behind = [b for b, end in ends.items() if reached[b] < end]
            if not behind:
                return reached
            if loop.time() >= deadline:
                b = behind[0]
                return (f"the live read model did not reach the log heads within {timeout_s:.0f}s "
                        f"({names.stream(b)} at {reached[b]} of {ends[b]}; is the projector running?)")  # fmt: skip
            await asyncio.sleep(0.2)
    finally:
        progress.finish()


async def verify_read_model(settings: Settings, neo4j_uri: str | None, *, wait_s: float = 60.0, heap: str = "1g") -> Verdict:
    consumer = f"verify-{uuid.uuid4().hex[:8]}"
    live = open_driver(settings)
    try:
        async with side_read_model(settings, neo4j_uri, heap) as side:
            projected: ProjectedLog = await project_log(settings, side, database=_SIDE_DATABASE, consumer_name=consumer,
                                                        label="verify: rebuild", side_model=True)  # fmt: skip
            for _ in range(_ATTEMPTS):
                reached = await _wait_for_live(settings, live, projected.ends, wait_s)
                if isinstance(reached, str):
                    return Verdict(branches=[], live="", rebuilt="", events=projected.events, problem=reached)
                if reached == projected.ends:
                    break
                projected = await project_log(settings, side, database=_SIDE_DATABASE, consumer_name=consumer,
                                              label="verify: catch up", side_model=True, wipe=False)  # fmt: skip
            else:
                return Verdict(branches=[], live="", rebuilt="", events=projected.events,
                               problem=f"the log kept moving during {_ATTEMPTS} comparisons")  # fmt: skip
            branches = [
                BranchVerdict(branch_id=b, seq=end, live=await graph_digest(live, settings.neo4j_database, b),
                              rebuilt=await graph_digest(side, _SIDE_DATABASE, b))
                for b, end in sorted(projected.ends.items())
            ]  # fmt: skip
            return Verdict(branches=branches, live=await graph_digest(live, settings.neo4j_database),
                           rebuilt=await graph_digest(side, _SIDE_DATABASE), events=projected.events)  # fmt: skip
    finally:
        await live.close()


def run_verify(settings: Settings, neo4j_uri: str | None, wait_s: float, heap: str = "1g") -> int:
    refused = refuse_live_target(settings, neo4j_uri, "verify")
    if refused:
        print(refused, file=sys.stderr)
        return 2
    verdict = asyncio.run(verify_read_model(settings, neo4j_uri, wait_s=wait_s, heap=heap))
    if verdict.problem is not None:
        print(f"verify: NOT VERIFIED: {verdict.problem}")
        return 2
    names = StreamNames(prefix=settings.stream_prefix)
    for branch in verdict.branches:
        word = "equal" if branch.equal else f"DIFFERENT (live {branch.live[:12]}, rebuilt {branch.rebuilt[:12]})"
        print(f"verify: {names.stream(branch.branch_id)} @ {branch.seq}: {word}")
    span = f"over {verdict.events} events on {len(verdict.branches)} branches"
    if verdict.equal:
        print(f"verify: EQUAL digest {verdict.rebuilt} {span}")
        return 0
    differing = [b.branch_id for b in verdict.branches if not b.equal] or ["(outside any branch)"]
    print(f"verify: DIFFERENT on {', '.join(differing)}: live digest {verdict.live}, rebuilt {verdict.rebuilt} {span}")
    return 1
