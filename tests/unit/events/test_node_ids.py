"""Object ids become NATS subject tokens: only safe characters pass (strata_events.ids)."""

from __future__ import annotations

import uuid

from strata_events.ids import is_valid_node_id


def test_uuids_and_simple_ids_pass() -> None:
    assert is_valid_node_id(str(uuid.uuid4()))
    assert is_valid_node_id("device_01:a-b")


def test_subject_breaking_ids_are_refused() -> None:
    for bad in ("a.b", "*", ">", "a b", "", "x" * 129, "é", "a\nb", None, 5):
        assert not is_valid_node_id(bad), bad
