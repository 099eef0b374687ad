"""What the projector of main wrote last: the stream's checkpoint and the current record of each
object it wrote recently.

A projector transaction reads its checkpoint and the records its batches update, folds, then
writes: three round trips with the commit (~7 ms on the dev machine for a single create, against
~3.7 ms for one auto-commit statement). The projector is the only writer of its stream's records
and checkpoint, so what it wrote is what it would read back: with the records of the objects a
batch updates known here, the batch is written by one statement that checks the checkpoint is
still the one written last (`cypher.WRITE_VERSIONS_AFTER`). Anything else (a rebuild, a second
projector, a wiped graph) moved the checkpoint or removed it; the write is then refused, this
is forgotten, and the batch is applied the usual way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from strata_graph.records import OPEN

__all__ = ["RecentWrites"]

# Objects whose current record is kept: the peers that gain a back-reference with nearly every
# create (devices, locations, tags) stay, the long tail goes. A record is ~1-2 KB of JSON.
_CAPACITY = 20_000


class RecentWrites:
    def __init__(self, capacity: int = _CAPACITY) -> None:
        self.checkpoint: int | None = None  # the checkpoint this process wrote last
        self._capacity = capacity
        # uid -> the row `GET_CHECKPOINT_AND_RECORDS` gives: uid, owned, kind, deleted, attrs, rels, rprops;
        # a tuple of strings and flags, which the cyclic collector stops tracking (a list of
        # 20,000 lists was walked again by every collection of a rebuild)
        self._rows: OrderedDict[str, tuple[Any, ...]] = OrderedDict()

    def forget(self) -> None:
        self.checkpoint = None
        self._rows.clear()

    def records(self, uids: Sequence[str]) -> list[tuple[Any, ...]] | None:
        """The current records of `uids` as the graph holds them, or None when one is not known."""
        rows = []
        for uid in uids:
            row = self._rows.get(uid)
            if row is None:
                return None
            self._rows.move_to_end(uid)
            rows.append(row)
        return rows

    def remember(self, checkpoint: int, versions: Iterable[dict[str, Any]]) -> None:
        """`versions` (rows of `CREATE_RECORDS`) were written with `checkpoint`, committed."""
        self.checkpoint = checkpoint
        for version in versions:
            if version["to_seq"] != OPEN:
                continue
            uid = version["uid"]
            self._rows[uid] = (uid, True, version["kind"], version["deleted"], version["attrs"], version["rels"],
                              version["rprops"])  # fmt: skip
            self._rows.move_to_end(uid)
        while len(self._rows) > self._capacity:
            self._rows.popitem(last=False)
