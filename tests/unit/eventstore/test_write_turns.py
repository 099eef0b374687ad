"""WriteTurns: one holder per branch at a time, branches independent, nothing kept when idle."""

from __future__ import annotations

import asyncio

import pytest

from strata_eventstore import write_turns
from strata_eventstore.write_turns import WriteTurns, conflict_pause


async def test_writers_of_one_branch_take_turns_in_arrival_order() -> None:
    turns = WriteTurns()
    log: list[str] = []

    async def writer(name: str) -> None:
        async with turns.turn("b1"):
            log.append(f"{name} in")
            await asyncio.sleep(0.01)
            log.append(f"{name} out")

    await asyncio.gather(writer("a"), writer("b"), writer("c"))
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out"]
    assert turns.waiting("b1") == 0 and len(turns) == 0


async def test_other_branches_do_not_wait() -> None:
    turns = WriteTurns()
    inside = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with turns.turn("b1"):
            inside.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await inside.wait()
    async with asyncio.timeout(1):
        async with turns.turn("b2"):  # not held up by b1's holder
            assert turns.waiting("b1") == 1 and turns.waiting("b2") == 1
    release.set()
    await task
    assert turns.waiting("b1") == 0 and turns.waiting("b2") == 0 and len(turns) == 0


async def test_a_holder_that_fails_hands_the_turn_on() -> None:
    turns = WriteTurns()
    with pytest.raises(RuntimeError):
        async with turns.turn("b1"):
            raise RuntimeError("refused")
    async with asyncio.timeout(1):
        async with turns.turn("b1"):
            pass
    assert turns.waiting("b1") == 0


class _Longest:
    @staticmethod
    def uniform(low: float, high: float) -> float:
        return high


class _Sleeper:
    def __init__(self, sleep: object) -> None:
        self.sleep = sleep


async def test_the_pause_grows_with_the_attempt_and_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(write_turns, "random", _Longest())  # the longest pause each time
    monkeypatch.setattr(write_turns, "asyncio", _Sleeper(fake_sleep))
    for attempt in (0, 1, 2, 10):
        await conflict_pause(attempt)
    assert slept == [0.002, 0.004, 0.008, 0.1]
