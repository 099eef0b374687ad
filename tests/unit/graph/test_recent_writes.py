"""What the projector of main remembers of its own writes."""

from __future__ import annotations

from typing import Any

from strata_graph.recent_writes import RecentWrites
from strata_graph.records import OPEN


def _version(uid: str, to_seq: int = OPEN, **extra: Any) -> dict[str, Any]:
    return {"uid": uid, "kind": "K", "from_seq": 1, "to_seq": to_seq, "deleted": False, "attrs": "{}", "rels": "{}",
            "values": {}, "rprops": None, **extra}  # fmt: skip


def test_open_versions_are_remembered_as_the_graph_would_answer() -> None:
    recent = RecentWrites()
    props = '{"tags": {"t1": {"is_protected": true}}}'
    recent.remember(7, [_version("a", to_seq=5), _version("a", attrs='{"n": 1}'), _version("b", deleted=True, rprops=props)])
    assert recent.checkpoint == 7
    assert recent.records(["a", "b"]) == [
        ("a", True, "K", False, '{"n": 1}', "{}", None), ("b", True, "K", True, "{}", "{}", props)
    ]
    assert recent.records(["a", "c"]) is None, "one unknown record: the graph is read"
    recent.forget()
    assert recent.checkpoint is None and recent.records(["a"]) is None


def test_the_least_recently_used_records_go_first() -> None:
    recent = RecentWrites(capacity=2)
    recent.remember(1, [_version("a"), _version("b")])
    assert recent.records(["a"]) is not None  # `a` used: `b` is the oldest now
    recent.remember(2, [_version("c")])
    assert recent.records(["b"]) is None
    assert recent.records(["a"]) is not None and recent.records(["c"]) is not None
