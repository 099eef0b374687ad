"""The feed fan-out's pull loop: a fetch that times out is an empty round, whichever timeout
class nats-py raises (its own, or asyncio's bare one when an answer arrives after the deadline)."""

from __future__ import annotations

import asyncio
from typing import Any

import nats.errors
import pytest

from strata_feed.contract import FeedNames
from strata_webhooks.fanout import FeedFanout


class _Subscription:
    def __init__(self, outcomes: list[BaseException], stop: asyncio.Event) -> None:
        self._outcomes = outcomes
        self._stop = stop
        self.fetches = 0
        self.unsubscribed = False

    async def fetch(self, batch: int, timeout: float) -> list[Any]:
        self.fetches += 1
        if not self._outcomes:
            self._stop.set()
            return []
        raise self._outcomes.pop(0)

    async def unsubscribe(self) -> None:
        self.unsubscribed = True


class _JetStream:
    def __init__(self, sub: _Subscription) -> None:
        self._sub = sub

    async def pull_subscribe(self, *args: Any, **kwargs: Any) -> _Subscription:
        return self._sub


async def test_both_timeout_classes_are_empty_rounds_not_crashes() -> None:
    stop = asyncio.Event()
    sub = _Subscription([TimeoutError(), nats.errors.TimeoutError(), TimeoutError()], stop)
    fanout = FeedFanout(_JetStream(sub), FeedNames(prefix="T"), None, None, None)  # type: ignore[arg-type]  # the loop never reaches them
    await asyncio.wait_for(fanout.run(stop), timeout=5)
    assert sub.fetches == 4 and sub.unsubscribed


async def test_another_failure_still_ends_the_loop() -> None:
    stop = asyncio.Event()
    sub = _Subscription([ConnectionResetError("gone")], stop)
    fanout = FeedFanout(_JetStream(sub), FeedNames(prefix="T"), None, None, None)  # type: ignore[arg-type]  # the loop never reaches them
    with pytest.raises(ConnectionResetError):  # it reaches the service's restart loop
        await asyncio.wait_for(fanout.run(stop), timeout=5)
    assert sub.unsubscribed
