"""Stream and subject names. A branch is addressed by its id, never by its (free-form) name.

Subjects of branch `b` (prefix `strata`):
- `strata.b.<b>.head`          the literal head subject: one message per mutation (OCC target)
- `strata.b.<b>.node.<id>`     every event about one object (read by object)
- `strata.b.<b>.schema`        schema events
- `strata.b.<b>.branch`        branch lifecycle events
"""

from __future__ import annotations

import re

import msgspec

__all__ = ["BRANCH_ID_PATTERN", "StreamNames"]

BRANCH_ID_PATTERN = re.compile(r"^[a-z0-9]{1,64}$")


class StreamNames(msgspec.Struct, frozen=True):
    """Names derived from one prefix, so tests can run isolated stream sets side by side."""

    prefix: str = "STRATA"

    @property
    def subject_root(self) -> str:
        return self.prefix.lower()

    def stream(self, branch_id: str) -> str:
        self.check_branch_id(branch_id)
        return f"{self.prefix}_BR_{branch_id}"

    @property
    def stream_name_prefix(self) -> str:
        return f"{self.prefix}_BR_"

    def branch_subjects(self, branch_id: str) -> str:
        return f"{self.subject_root}.b.{branch_id}.>"

    def head_subject(self, branch_id: str) -> str:
        return f"{self.subject_root}.b.{branch_id}.head"

    def node_subject(self, branch_id: str, node_id: str) -> str:
        return f"{self.subject_root}.b.{branch_id}.node.{node_id}"

    def schema_subject(self, branch_id: str) -> str:
        return f"{self.subject_root}.b.{branch_id}.schema"

    def branch_event_subject(self, branch_id: str) -> str:
        return f"{self.subject_root}.b.{branch_id}.branch"

    @property
    def dead_letter_stream(self) -> str:
        return f"{self.prefix}_DLQ"

    def dead_letter_subject(self, branch_id: str) -> str:
        return f"{self.subject_root}.dlq.{branch_id}"

    @property
    def projected_subject_prefix(self) -> str:
        """Core-NATS notifications the projector sends after each committed batch."""
        return f"{self.subject_root}.projected"

    def kv_bucket(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    @staticmethod
    def check_branch_id(branch_id: str) -> None:
        if not BRANCH_ID_PATTERN.match(branch_id):
            raise ValueError(f"branch id {branch_id!r} must match {BRANCH_ID_PATTERN.pattern}")

    def branch_id_of_stream(self, stream: str) -> str | None:
        if not stream.startswith(self.stream_name_prefix):
            return None
        return stream[len(self.stream_name_prefix) :]
