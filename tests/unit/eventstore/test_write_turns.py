"""WriteTurns: one holder per branch at a time, branches independent, nothing kept when idle."""

from __future__ import annotations

import asyncio

import pytest

from strata_eventstore import write_turns
from strata_core.errors import ConcurrencyConflict
from strata_eventstore.write_turns import WriteTurns, conflict_pause, write_attempts


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


async def test_an_attempt_refused_for_a_moved_head_is_made_again_after_a_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[int] = []

    async def noted_pause(attempt: int) -> None:
        pauses.append(attempt)

    monkeypatch.setattr(write_turns, "conflict_pause", noted_pause)
    turns = WriteTurns()
    made: list[int] = []
    async for attempt in write_attempts(turns, "b1", 5):
        async with attempt:
            assert turns.waiting("b1") == 1  # each attempt holds the branch's turn
            made.append(len(made))
            if len(made) < 3:
                raise ConcurrencyConflict("moved")
        if attempt.conflicted:
            continue
        break
    assert made == [0, 1, 2] and pauses == [0, 1] and len(turns) == 0


async def test_attempts_stop_at_the_limit_and_other_errors_go_through(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_pause(attempt: int) -> None:
        return None

    monkeypatch.setattr(write_turns, "conflict_pause", no_pause)
    turns = WriteTurns()
    tried = 0
    async for attempt in write_attempts(turns, "b1", 3):
        async with attempt:
            tried += 1
            raise ConcurrencyConflict("moved")
    assert tried == 3
    with pytest.raises(ValueError):
        async for attempt in write_attempts(turns, "b1", 3):
            async with attempt:
                raise ValueError("refused")
    assert len(turns) == 0
