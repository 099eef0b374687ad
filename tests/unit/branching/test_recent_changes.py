"""The few change sets kept by the heads and schema they were computed at."""

from __future__ import annotations

import pytest

from strata_service.recent_changes import ChangesKey, RecentChanges


def _key(branch_head: int, main_head: int = 10, branch: str = "b1", schema: str = "h1") -> ChangesKey:
    return ChangesKey(branch, branch_head, main_head, schema)


def test_an_entry_is_found_only_by_all_of_its_key() -> None:
    recent: RecentChanges[str] = RecentChanges(capacity=4)
    recent.put(_key(5), "computed at 5/10")
    assert recent.get(_key(5)) == "computed at 5/10"
    assert recent.get(_key(6)) is None
    assert recent.get(_key(5, main_head=11)) is None
    assert recent.get(_key(5, branch="b2")) is None
    assert recent.get(_key(5, schema="h2")) is None


def test_the_least_recently_used_entry_goes_first() -> None:
    recent: RecentChanges[str] = RecentChanges(capacity=2)
    recent.put(_key(1), "one")
    recent.put(_key(2), "two")
    assert recent.get(_key(1)) == "one"  # now the most recently used
    recent.put(_key(3), "three")
    assert len(recent) == 2
    assert recent.get(_key(2)) is None
    assert (recent.get(_key(1)), recent.get(_key(3))) == ("one", "three")


def test_putting_a_key_again_replaces_its_entry() -> None:
    recent: RecentChanges[str] = RecentChanges(capacity=2)
    recent.put(_key(1), "old")
    recent.put(_key(1), "new")
    assert len(recent) == 1 and recent.get(_key(1)) == "new"


def test_a_cache_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="capacity"):
        RecentChanges(capacity=0)
