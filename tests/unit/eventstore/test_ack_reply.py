"""The stream sequence and store time read from an ack reply are nats-py's own."""

from __future__ import annotations

import pytest
from nats.aio.msg import Msg
from nats.errors import NotJSMessageError

from strata_eventstore.ack_reply import stream_position, stream_seq

_V1 = "$JS.ACK.STRATA_main.projector.1.48213.913.1765093201123456789.1787"
_V2 = "$JS.ACK.hub.ACCHASH.STRATA_main.projector.2.77.12.1765093201987654321.0"
_V2_RANDOM = _V2 + ".x7Rq"


def _msg(reply: str) -> Msg:
    return Msg(None, subject="strata.main.node.x", reply=reply, data=b"")  # type: ignore[arg-type]


@pytest.mark.parametrize("reply", [_V1, _V2, _V2_RANDOM])
def test_the_sequence_and_time_are_what_nats_py_reads(reply: str) -> None:
    msg = _msg(reply)
    expected = Msg.Metadata._from_reply(reply)
    assert stream_position(msg) == (expected.sequence.stream, expected.timestamp)
    assert stream_seq(msg) == expected.sequence.stream
    assert stream_seq(msg) in (48213, 77)


@pytest.mark.parametrize("reply", ["", "_INBOX.abc", "$JS.ACK.a.b.1.2.3", "$JS.NAK.a.b.1.2.3.4.5", "$JS.ACK.a.b.c.d.1.2.3.4"])
def test_a_reply_that_is_no_jetstream_ack_is_refused(reply: str) -> None:
    with pytest.raises(NotJSMessageError):
        stream_position(_msg(reply))
