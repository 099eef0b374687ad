"""The change that gave each attribute its current state, from an object's versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from neo4j.time import DateTime

from strata_graph.attribute_changes import changes_of_versions


def _version(side: int, seq: int, minute: int, actor: str, tags: tuple[str, ...] = (), **attrs: Any) -> list[Any]:
    time = DateTime.from_native(datetime(2026, 1, 1, 0, minute, tzinfo=UTC))
    return [side, seq, msgspec.json.encode(attrs).decode(), time, actor, msgspec.json.encode({"tags": tags}).decode()]


def test_the_oldest_version_of_the_last_run_of_equal_states() -> None:
    versions = [
        _version(1, 4, 30, "b", ("t1", "t2"), name={"value": "x"}, height={"value": 3}, tag={"value": "t", "source": "s2"}),
        _version(0, 7, 10, "a", ("t1",), name={"value": "x"}, height={"value": 1}, tag={"value": "t"}),
        _version(0, 9, 20, "a2", ("t1",), name={"value": "x"}, height={"value": 2}, tag={"value": "t"}),
        _version(0, 3, 5, "z", (), name={"value": "y"}, height={"value": 1}, tag={"value": "t"}),
    ]  # given out of order: the origin's (side 0) by sequence come before the branch's
    changes = changes_of_versions(versions).attributes
    assert (changes["name"].at, changes["name"].by) == ("2026-01-01T00:10:00+00:00", "a")  # y -> x at seq 7
    assert changes["height"].by == "b" and changes["height"].at == "2026-01-01T00:30:00+00:00"
    assert changes["tag"].by == "b"  # a property changed: the attribute changed
    links = changes_of_versions(versions).links
    assert links[("tags", "t1")].by == "a" and links[("tags", "t2")].by == "b"
    assert changes_of_versions([]).attributes == {}
