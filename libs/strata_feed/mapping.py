"""Stored events → feed events (pure): what outsiders are told about each entry of the log.

One stored event gives zero or more feed events, each with an id stable across
re-publication (`<branch-id>:<stream-seq>:<index>`). Internal bookkeeping (`mutation.committed`,
`conflict.resolved`) and internal kinds are not published; secret attribute values (password
kinds) are replaced by `REDACTED`; a schema change is told by its hashes, never its body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, assert_never

import msgspec

from strata_events import (
    AttributeValue,
    BranchCreated,
    BranchDeleted,
    BranchMerged,
    BranchRebased,
    BranchUpdated,
    ConflictResolved,
    Event,
    MutationCommitted,
    NodeCreated,
    NodeDeleted,
    NodeUpdated,
    PeerProperties,
    SchemaLoaded,
)
from strata_feed.contract import FeedEvent, FeedEventType

__all__ = ["HIDDEN_KIND_PREFIX", "REDACTED", "SourceEvent", "feed_events"]

REDACTED: Final = "**REDACTED**"
# Kinds of the `Internal` namespace (API token digests and the like) never leave the server.
HIDDEN_KIND_PREFIX: Final = "Internal"

IsSecret = Callable[[str, str], bool]
"""`(kind, attribute name) -> True` when the attribute's value must not be published."""


class SourceEvent(msgspec.Struct, frozen=True, kw_only=True):
    """A decoded stream entry with the metadata its headers carried."""

    branch_id: str  # the stream's branch
    branch: str  # that branch's name
    seq: int
    event: Event
    occurred_at: str
    actor: str | None = None
    mutation_id: str | None = None
    correlation_id: str | None = None


def _never_secret(kind: str, name: str) -> bool:
    return False


def feed_events(
    source: SourceEvent,
    *,
    is_secret: IsSecret = _never_secret,
    branch_name: Callable[[str], str] | None = None,
) -> list[FeedEvent]:
    """The feed events one stored event produces, in order.

    `branch_name` resolves the name of another branch a lifecycle event is about (defaults to
    the event's own `name` or the branch id).
    """
    drafts = _drafts(source, is_secret, branch_name or (lambda branch_id: branch_id))
    return [
        FeedEvent(
            id=f"{source.branch_id}:{source.seq}:{index}",
            type=event_type,
            branch=branch,
            branch_id=branch_id,
            seq=source.seq,
            occurred_at=source.occurred_at,
            actor=source.actor,
            mutation_id=source.mutation_id,
            correlation_id=source.correlation_id,
            kind=kind,
            node_id=node_id,
            changes=changes,
        )
        for index, (event_type, branch_id, branch, kind, node_id, changes) in enumerate(drafts)
    ]


_Draft = tuple[FeedEventType, str, str, str | None, str | None, dict[str, Any]]


def _drafts(source: SourceEvent, is_secret: IsSecret, branch_name: Callable[[str], str]) -> list[_Draft]:
    event = source.event
    here = (source.branch_id, source.branch)
    match event:
        case NodeCreated() | NodeUpdated() | NodeDeleted() if event.kind.startswith(HIDDEN_KIND_PREFIX):
            return []
        case NodeCreated():
            changes = _node_changes(event.kind, event.attributes, event.relationships, is_secret)
            return [("node.created", *here, event.kind, event.node_id, _with_edges(changes, event.peer_properties))]
        case NodeUpdated():
            return _node_updated(event, here, is_secret)
        case NodeDeleted():
            return [("node.deleted", *here, event.kind, event.node_id, {})]
        case SchemaLoaded():
            changes = {"schema_hash": event.schema_hash, "previous_hash": event.previous_hash}
            return [("schema.updated", *here, None, None, changes)]
        case BranchCreated():
            # written on the origin's stream and again on the new branch's: told once, from the
            # origin's (main, founded without origin, from its own)
            if source.branch_id != (event.origin or event.branch_id):
                return []
            changes = {"origin": event.origin, "fork_seq": event.fork_seq, "fork_time": event.fork_time,
                       "description": event.description, "sync_with_git": event.sync_with_git}  # fmt: skip
            return [("branch.created", event.branch_id, event.name, None, None, changes)]
        case BranchRebased():
            changes = {"fork_seq": event.fork_seq, "previous_fork_seq": event.previous_fork_seq,
                       "fork_time": event.fork_time}  # fmt: skip
            return [("branch.rebased", event.branch_id, branch_name(event.branch_id), None, None, changes)]
        case BranchMerged():
            changes = {"into": source.branch, "into_id": source.branch_id, "branch_head": event.branch_head,
                       "event_count": event.event_count}  # fmt: skip
            return [("branch.merged", event.branch_id, event.name, None, None, changes)]
        case BranchDeleted():
            return [("branch.deleted", event.branch_id, event.name, None, None, {})]
        case BranchUpdated():
            return [("branch.updated", event.branch_id, event.name, None, None, {"description": event.description})]
        case MutationCommitted() | ConflictResolved():
            return []
        case _:
            assert_never(event)


def _node_updated(event: NodeUpdated, here: tuple[str, str], is_secret: IsSecret) -> list[_Draft]:
    out: list[_Draft] = []
    if event.attributes or event.relationships or event.peer_properties or not (event.peers_added or event.peers_removed):
        changes = _node_changes(event.kind, event.attributes, event.relationships, is_secret)
        out.append(("node.updated", *here, event.kind, event.node_id, _with_edges(changes, event.peer_properties)))
    for name, peers in sorted(event.peers_added.items()):
        if peers:
            out.append(("relationship.added", *here, event.kind, event.node_id,
                        {"relationship": name, "peers": list(peers)}))  # fmt: skip
    for name, peers in sorted(event.peers_removed.items()):
        if peers:
            out.append(("relationship.removed", *here, event.kind, event.node_id,
                        {"relationship": name, "peers": list(peers)}))  # fmt: skip
    return out


def _with_edges(changes: dict[str, Any], edges: dict[str, dict[str, PeerProperties]]) -> dict[str, Any]:
    """`changes` with the edge properties the event sets (only those it sets), if any."""
    if edges:
        changes["peer_properties"] = {name: {peer: msgspec.to_builtins(props) for peer, props in by_peer.items()}
                                      for name, by_peer in edges.items()}  # fmt: skip
    return changes


def _node_changes(
    kind: str,
    attributes: dict[str, AttributeValue],
    relationships: dict[str, list[str]],
    is_secret: IsSecret,
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if attributes:
        changes["attributes"] = {
            name: REDACTED if is_secret(kind, name) else value.value for name, value in attributes.items()
        }
    if relationships:
        changes["relationships"] = {name: list(peers) for name, peers in relationships.items()}
    return changes
