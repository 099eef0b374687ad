"""`strata audit` arguments: times, and branch names as the log knows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from strata_cli.audit import parse_moment, run_audit_changes
from strata_cli.cli_errors import CliArgumentError
from strata_core.errors import BranchNotFound
from strata_core.settings import Settings
from strata_service.audit_log import LogBranch, find_branch

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_times_are_iso_or_a_duration_ago() -> None:
    assert parse_moment("--since", "90m", NOW) == NOW - timedelta(minutes=90)
    assert parse_moment("--since", "2d", NOW) == NOW - timedelta(days=2)
    assert parse_moment("--until", "2026-04-30T10:00:00Z", NOW) == datetime(2026, 4, 30, 10, tzinfo=UTC)
    assert parse_moment("--until", "2026-04-30T10:00:00", NOW).tzinfo is not None  # zone-less: UTC
    with pytest.raises(CliArgumentError, match="--since: 'last tuesday'"):
        parse_moment("--since", "last tuesday", NOW)


def test_until_before_since_is_refused_before_anything_is_read() -> None:
    settings = Settings(nats_url="nats://127.0.0.1:1")  # nothing listens there: nothing may be read
    with pytest.raises(CliArgumentError, match="--until: must not be before --since"):
        run_audit_changes(settings, since="1h", until="2h", branch=None, actor=None, kind=None, fmt="jsonl", output=None)


def test_branches_are_found_by_id_then_by_name_live_first() -> None:
    branches = {
        "main": LogBranch(id="main", name="main"),
        "aa": LogBranch(id="aa", name="feature", origin="main", fork_seq=3, deleted=True),
        "bb": LogBranch(id="bb", name="feature", origin="main", fork_seq=9),
    }
    assert find_branch(branches, "aa").id == "aa"
    assert find_branch(branches, "feature").id == "bb"
    with pytest.raises(BranchNotFound, match="'nope'"):
        find_branch(branches, "nope")
