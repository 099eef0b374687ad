"""The fork point in force at a branch sequence, across rebases (time travel reads it)."""

from __future__ import annotations

from strata_service.branches import BranchRef


def test_never_rebased_reads_the_one_fork_point() -> None:
    ref = BranchRef(id="b", name="b", origin="main", fork_seq=7)
    assert [ref.fork_seq_at(s) for s in (0, 5, 100)] == [7, 7, 7]


def test_each_rebase_holds_from_its_own_sequence_on() -> None:
    # forked at main 7; rebased at branch seq 20 onto main 30, at branch seq 40 onto main 55
    ref = BranchRef(id="b", name="b", origin="main", fork_seq=55, rebased_at=(20, 40), earlier_forks=(7, 30))
    assert ref.fork_seq_at(3) == 7
    assert ref.fork_seq_at(19) == 7
    assert ref.fork_seq_at(20) == 30
    assert ref.fork_seq_at(39) == 30
    assert ref.fork_seq_at(40) == 55
    assert ref.fork_seq_at(1000) == 55
