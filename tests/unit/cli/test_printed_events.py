"""A stored event printed as a JSON line keeps the shape scripts read: its stored time as an
ISO 8601 `time`, and every other field of the stored event."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from strata_cli.printed_events import printed_event
from strata_events import AttributeValue, NodeCreated
from strata_eventstore.records import StoredEvent, nanos


def test_an_event_prints_its_stored_time_as_an_iso_timestamp_and_every_other_field() -> None:
    stored_at = datetime(2026, 12, 7, 10, 30, 5, 123456, tzinfo=UTC)
    event = NodeCreated(node_id="n1", kind="BuiltinTag", attributes={"name": AttributeValue(value="red")})
    stored = StoredEvent(seq=42, subject="strata.b.main.node.n1", event=event, stored_ns=nanos(stored_at) + 789,
                         mutation_id="m1", actor="admin", batch_id="b1", correlation_id="c1")  # fmt: skip
    line = printed_event(stored)
    assert b"\n" not in line
    printed = msgspec.json.decode(line)
    assert printed["time"] == "2026-12-07T10:30:05.123457Z"  # to the nearest microsecond, as nats-py's metadata
    assert "stored_ns" not in printed
    assert printed["seq"] == 42 and printed["subject"] == "strata.b.main.node.n1"
    assert printed["event"]["node_id"] == "n1" and printed["event"]["attributes"]["name"]["value"] == "red"
    assert (printed["mutation_id"], printed["actor"], printed["batch_id"]) == ("m1", "admin", "b1")
    assert (printed["batch_commit"], printed["correlation_id"], printed["traceparent"]) == (False, "c1", None)
