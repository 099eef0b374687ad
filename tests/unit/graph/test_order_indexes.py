"""The registry of page counts keeps a count only when the checkpoint did not move while it was
taken, reuses it when the statement skipped counting, and holds at most `KEPT` of them."""

from __future__ import annotations

from typing import Any, cast

import pytest
from neo4j import AsyncDriver, Record

from strata_graph.ordered_pages import KEPT, OrderIndexes, statement_for_key


def _record(counted: int | None, counted_at: int | None, checked_at: int | None) -> Record:
    found: dict[str, Any] = {"counted": counted, "counted_at": counted_at, "checked_at": checked_at}
    return cast(Record, found)


def test_a_count_is_kept_only_when_the_checkpoint_stayed_and_reused_when_skipped() -> None:
    registry = OrderIndexes()
    key = ("S", "main", "K")
    assert registry.total(key, None, _record(7, 3, 4), keep=True) == 7
    assert key not in registry.counts  # a commit landed while counting
    assert registry.total(key, None, _record(7, 3, 3), keep=False) == 7
    assert key not in registry.counts
    assert registry.total(key, None, _record(7, 3, 3), keep=True) == 7
    assert registry.counts[key] == (3, 7)
    assert registry.total(key, registry.counts[key], _record(None, 3, 3), keep=True) == 7


def test_at_most_kept_counts_are_held_the_oldest_dropped_first() -> None:
    registry = OrderIndexes()
    for i in range(KEPT + 10):
        registry.total(("S", f"b{i}", "K"), None, _record(i, 1, 1), keep=True)
    assert len(registry.counts) == KEPT
    assert ("S", "b0", "K") not in registry.counts
    assert registry.counts[("S", f"b{KEPT + 9}", "K")] == (1, KEPT + 9)


async def test_a_key_without_an_order_statement_is_never_usable() -> None:
    """`usable` refuses, before any I/O, every key `statement_for_key` refuses (a page in index
    order would otherwise fail), and a key whose index name would be ambiguous."""
    no_driver = cast(AsyncDriver, None)
    for key in ("v_1st", "v__x", "name", "v_Name", "v_name) //"):
        with pytest.raises(ValueError):
            statement_for_key("%(key)s", key)
        assert not await OrderIndexes().usable(no_driver, "neo4j", key)
    assert statement_for_key("%(key)s", "v_a__b") == "v_a__b"
    assert not await OrderIndexes().usable(no_driver, "neo4j", "v_a__b")
    assert not await OrderIndexes().usable(no_driver, "neo4j", "v_name", "r_x__y")


class _IndexListing:
    """A driver whose `SHOW RANGE INDEXES` lists the indexes made so far in the state `state`."""

    def __init__(self) -> None:
        self.made: list[str] = []
        self.state = "POPULATING"
        self.listings = 0

    async def execute_query(self, query: str, parameters: Any = None, **_: Any) -> tuple[list[Any], None, None]:
        if query.lstrip().startswith("CREATE INDEX"):
            self.made.append(query.split()[2])
            return [], None, None
        self.listings += 1
        return [{"name": name, "state": self.state} for name in self.made], None, None


async def test_an_index_asked_for_is_seen_online_soon_after_it_is_built() -> None:
    """Until an index it asked for is online, a lookup by its keys reads every record of the
    kinds: the registry looks again after a fifth of a second, not five seconds, for a minute."""
    now = [100.0]
    listing = _IndexListing()
    driver = cast(AsyncDriver, listing)
    registry = OrderIndexes(clock=lambda: now[0])
    assert not await registry.usable(driver, "neo4j", "v_name")
    assert listing.made == ["rec_open_sorted_v_name"]
    listing.state = "ONLINE"
    now[0] += 0.1
    assert not await registry.usable(driver, "neo4j", "v_name")  # listed a moment ago: not again yet
    now[0] += 0.15
    assert await registry.usable(driver, "neo4j", "v_name")
    # an index asked for over a minute ago and still not online: looked for every 5 s again
    listing.state = "POPULATING"
    stale = OrderIndexes(clock=lambda: now[0])
    stale._requested["v_slow"] = now[0] - 61  # noqa: SLF001 - the moment of the ask, set for the test
    listed = listing.listings
    assert not await stale.usable(driver, "neo4j", "v_slow")  # the first listing of a new registry
    now[0] += 1
    assert not await stale.usable(driver, "neo4j", "v_slow")
    assert listing.listings == listed + 1
