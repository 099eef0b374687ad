"""The change feed's public contract (version 1): subjects, stream and payload.

The event log is internal: its payloads follow the projector's needs and may be upcast. The
feed is what outsiders consume, so it has its own small, documented, versioned shape. A feed
message is published only after the projector applied the event it describes, so a subscriber
that reads back through GraphQL sees the change. Breaking changes go to `v2` subjects, never
into `v1`.

Subjects (default prefix, subject root `strata`):
    strata.feed.v1.<branch-id>.<type>.<kind>
where `<type>` is two tokens (`node.created`, `relationship.added`, `branch.merged`, …) and
`<kind>` is the schema kind for node and relationship events, `_` otherwise. Examples:
    strata.feed.v1.main.node.updated.DcimDevice
    strata.feed.v1.*.branch.>              every branch lifecycle change
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

import msgspec

__all__ = [
    "FEED_EVENT_TYPES",
    "FEED_VERSION",
    "FeedEvent",
    "FeedEventType",
    "FeedNames",
    "NO_KIND",
]

FEED_VERSION: Final = 1
NO_KIND: Final = "_"

FeedEventType = Literal[
    "node.created",
    "node.updated",
    "node.deleted",
    "relationship.added",
    "relationship.removed",
    "branch.created",
    "branch.rebased",
    "branch.merged",
    "branch.deleted",
    "branch.updated",
    "schema.updated",
]

FEED_EVENT_TYPES: Final[tuple[str, ...]] = get_args(FeedEventType)  # the Literal is the one list


class FeedEvent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One change, as subscribers see it.

    `id` is unique per feed message and stable across re-publication
    (`<branch-id>:<stream-seq>:<index>`), so consumers can dedupe. `changes` holds, for node
    events, `{"attributes": {name: value}, "relationships": {name: [peer ids]}}` with the new
    values; for relationship events `{"relationship": name, "peers": [ids]}`; for branch and
    schema events the lifecycle fields (`origin`, `fork_seq`, `schema_hash`, …).
    """

    v: int = FEED_VERSION
    id: str
    type: FeedEventType
    branch: str  # branch name at the time of the change
    branch_id: str
    seq: int  # sequence of the source event in the branch's stream
    occurred_at: str  # ISO 8601, UTC
    actor: str | None = None
    mutation_id: str | None = None
    correlation_id: str | None = None
    kind: str | None = None
    node_id: str | None = None
    changes: dict[str, Any] = {}


class FeedNames(msgspec.Struct, frozen=True):
    """Feed stream and subject names derived from the same prefix as the branch streams."""

    prefix: str = "STRATA"

    @property
    def stream(self) -> str:
        return f"{self.prefix}_FEED"

    @property
    def subject_root(self) -> str:
        return f"{self.prefix.lower()}.feed.v{FEED_VERSION}"

    @property
    def all_subjects(self) -> str:
        return f"{self.subject_root}.>"

    def subject(self, branch_id: str, event_type: str, kind: str | None) -> str:
        if event_type not in FEED_EVENT_TYPES:
            raise ValueError(f"unknown feed event type {event_type!r}")
        return f"{self.subject_root}.{branch_id}.{event_type}.{kind or NO_KIND}"

    def filter_subject(
        self, *, branch_id: str | None = None, event_type: str | None = None, kind: str | None = None
    ) -> str:
        """Subject filter for a subscription; `None` matches anything in that position."""
        type_tokens = event_type if event_type is not None else "*.*"
        if event_type is not None and event_type not in FEED_EVENT_TYPES:
            raise ValueError(f"unknown feed event type {event_type!r}")
        return f"{self.subject_root}.{branch_id or '*'}.{type_tokens}.{kind or '*'}"
