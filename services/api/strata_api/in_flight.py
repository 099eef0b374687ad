"""Mutations this API process appended whose projection it has not seen yet, per branch.

A writer in a branch's turn decides on the read model at the head it will guard its append on.
When everything between what the read model holds and that head was appended by this process,
the writer need not wait for the projector: it decides on the read model with those events laid
over it (`OverlayReader`), which is the state at the head. Writers queued in the turn (five in
flight from infrahub-sdk's batch) then overlap their decisions with the projection of the ones
before them instead of waiting for it one by one.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from strata_mutations import NodeEvent

__all__ = ["InFlightWrites"]


class _Appended(msgspec.Struct, frozen=True, gc=False):
    first_seq: int
    head_seq: int
    events: tuple[NodeEvent, ...]


class InFlightWrites:
    def __init__(self) -> None:
        self._by_branch: dict[str, list[_Appended]] = {}

    def add(self, branch_id: str, first_seq: int, head_seq: int, events: Sequence[NodeEvent]) -> None:
        """Record the mutation stored at sequences `first_seq`..`head_seq` (its events and its head)."""
        entries = self._by_branch.setdefault(branch_id, [])
        entries.append(_Appended(first_seq, head_seq, tuple(events)))
        entries.sort(key=lambda e: e.first_seq)

    def settle(self, branch_id: str, projected_seq: int) -> None:
        """Forget what the read model holds: the mutations up to `projected_seq`."""
        entries = self._by_branch.get(branch_id)
        if entries is None:
            return
        kept = [e for e in entries if e.head_seq > projected_seq]
        if kept:
            self._by_branch[branch_id] = kept
        else:
            del self._by_branch[branch_id]

    def covering(self, branch_id: str, projected_seq: int, head: int) -> list[NodeEvent] | None:
        """The events that bring the read model from `projected_seq` to `head`, in order, when
        this process appended every one of them; None when some other writer did (or the
        gap is unknown), and the caller must wait for the projector."""
        self.settle(branch_id, projected_seq)
        if head <= projected_seq:
            return []
        expected = projected_seq + 1
        events: list[NodeEvent] = []
        for entry in self._by_branch.get(branch_id, []):
            if entry.first_seq != expected:
                return None
            events += entry.events
            expected = entry.head_seq + 1
            if entry.head_seq == head:
                return events
        return None

    def __len__(self) -> int:
        """Mutations recorded on all branches."""
        return sum(len(entries) for entries in self._by_branch.values())
