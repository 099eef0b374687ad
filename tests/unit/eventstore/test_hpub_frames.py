"""The batch's middle messages framed by hand (`hpub_frames`): the same checks nats-py's
`publish` makes, and frames a NATS parser reads back as the messages given."""

from __future__ import annotations

import re

import pytest
from nats.errors import BadHeaderError, BadSubjectError, MaxPayloadError

from strata_eventstore.batch_publish import hpub_frames

_FRAME = re.compile(rb"HPUB (\S+) (\d+) (\d+)\r\n")


def _read_frames(buffer: bytes) -> list[tuple[str, dict[str, str], bytes]]:
    """A minimal reader of HPUB frames, as the server reads them (sizes, not separators)."""
    found = []
    at = 0
    while at < len(buffer):
        head = _FRAME.match(buffer, at)
        assert head is not None, buffer[at : at + 80]
        header_len, total = int(head[2]), int(head[3])
        body = buffer[head.end() : head.end() + total]
        assert buffer[head.end() + total : head.end() + total + 2] == b"\r\n"
        block = body[:header_len].decode()
        assert block.startswith("NATS/1.0\r\n") and block.endswith("\r\n\r\n")
        lines = block[len("NATS/1.0\r\n") : -4].split("\r\n")
        found.append((head[1].decode(), dict(line.split(": ", 1) for line in lines), body[header_len:]))
        at = head.end() + total + 2
    return found


def test_frames_read_back_as_the_messages_with_their_batch_sequence() -> None:
    messages = [
        ("s.a", b'{"x":1}', {"Strata-Actor": "alice", "Strata-Type": "node.created"}),
        ("s.b", b"", {"Strata-Actor": "alice", "Strata-Type": "node.updated"}),
        ("s.c", b"\r\n payload with breaks \r\n", {"Strata-Actor": "alice", "Strata-Type": "node.created"}),
    ]
    frames = _read_frames(hpub_frames(messages, batch_id="b1", first_index=2, max_payload=1024))
    assert [(s, p) for s, _, p in frames] == [(s, p) for s, p, _ in messages]
    assert [h["Nats-Batch-Sequence"] for _, h, _ in frames] == ["2", "3", "4"]
    assert {h["Nats-Batch-Id"] for _, h, _ in frames} == {"b1"}
    assert [h["Strata-Type"] for _, h, _ in frames] == ["node.created", "node.updated", "node.created"]


def test_a_line_break_in_a_header_value_cannot_start_a_header_of_its_own() -> None:
    frames = _read_frames(hpub_frames(
        [("s.a", b"x", {"Strata-Actor": "eve\r\nNats-Batch-Commit: 1"})], batch_id="b", first_index=2, max_payload=64,
    ))  # fmt: skip
    _, headers, _ = frames[0]
    assert headers["Strata-Actor"] == "eve  Nats-Batch-Commit: 1"
    assert "Nats-Batch-Commit" not in headers


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (("s.a", b"x", {"Bad Key": "v"}), BadHeaderError),
        (("s.a", b"x", {"": "v"}), BadHeaderError),
        (("s a", b"x", {}), BadSubjectError),
        (("", b"x", {}), BadSubjectError),
        (("s.a", b"x" * 65, {}), MaxPayloadError),
    ],
)
def test_bad_subject_header_or_size_is_refused(message: tuple[str, bytes, dict[str, str]], error: type[Exception]) -> None:
    with pytest.raises(error):
        hpub_frames([message], batch_id="b", first_index=2, max_payload=64)
