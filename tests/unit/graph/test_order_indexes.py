"""The registry of page counts keeps a count only when the checkpoint did not move while it was
taken, reuses it when the statement skipped counting, and holds at most `KEPT` of them."""

from __future__ import annotations

from typing import Any, cast

from neo4j import Record

from strata_graph.ordered_pages import KEPT, OrderIndexes


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
