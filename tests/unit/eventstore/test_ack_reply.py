"""The stream sequence and store time read from an ack reply are nats-py's own, and so is the
time a stored event made from it gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from nats.aio.msg import Msg
from nats.errors import NotJSMessageError

from strata_events import MutationCommitted
from strata_eventstore.ack_reply import stream_position, stream_seq
from strata_eventstore.records import StoredEvent, nanos

_V1 = "$JS.ACK.STRATA_main.projector.1.48213.913.1765093201123456789.1787"
_V2 = "$JS.ACK.hub.ACCHASH.STRATA_main.projector.2.77.12.1765093201987654321.0"
_V2_RANDOM = _V2 + ".x7Rq"


def _msg(reply: str) -> Msg:
    return Msg(None, subject="strata.main.node.x", reply=reply, data=b"")  # type: ignore[arg-type]


@pytest.mark.parametrize("reply", [_V1, _V2, _V2_RANDOM])
def test_the_sequence_and_time_are_what_nats_py_reads(reply: str) -> None:
    msg = _msg(reply)
    expected = Msg.Metadata._from_reply(reply)
    seq, stored_ns = stream_position(msg)
    assert seq == expected.sequence.stream
    assert stored_ns in (1765093201123456789, 1765093201987654321)
    stored = StoredEvent(seq=seq, subject=msg.subject, event=MutationCommitted(mutation_id="m", event_count=0),
                         stored_ns=stored_ns)  # fmt: skip
    assert stored.time == expected.timestamp
    assert stream_seq(msg) == expected.sequence.stream
    assert stream_seq(msg) in (48213, 77)


@pytest.mark.parametrize("reply", ["", "_INBOX.abc", "$JS.ACK.a.b.1.2.3", "$JS.NAK.a.b.1.2.3.4.5", "$JS.ACK.a.b.c.d.1.2.3.4"])
def test_a_reply_that_is_no_jetstream_ack_is_refused(reply: str) -> None:
    with pytest.raises(NotJSMessageError):
        stream_position(_msg(reply))


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 7, 9, 50, 1, 999999, tzinfo=UTC),
        datetime(2026, 12, 7, 9, 50, 1, 500001, tzinfo=UTC),
        datetime(2099, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 123457, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_a_time_given_to_the_microsecond_comes_back_unchanged(moment: datetime) -> None:
    """The direct-get path reads a time as text (`Nats-Time-Stamp`) and stores it as nanoseconds."""
    stored = StoredEvent(seq=1, subject="s", event=MutationCommitted(mutation_id="m", event_count=0),
                         stored_ns=nanos(moment))  # fmt: skip
    assert stored.time == moment
    assert stored.time.utcoffset() == timedelta(0)
