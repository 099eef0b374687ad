"""Event types. Tags are stable and never reused; `v` is the payload's schema version.

Adding a field with a default needs no new version. Changing or removing a field means a new
version and an upcaster in `strata_events.upcasting`.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "AttributeValue",
    "BranchCreated",
    "BranchDeleted",
    "BranchUpdated",
    "BranchMerged",
    "BranchRebased",
    "ConflictResolved",
    "Event",
    "MutationCommitted",
    "NodeCreated",
    "NodeDeleted",
    "NodeUpdated",
    "PeerProperties",
    "SchemaLoaded",
    "event_tag",
    "event_version",
]


class _EventBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Common base: every event is frozen, keyword-only and tagged by `type`."""


class AttributeValue(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One attribute's value with the metadata Infrahub keeps beside it."""

    value: Any = None
    is_default: bool = False  # the schema's default filled in, not a value someone chose
    is_protected: bool = False
    is_visible: bool = True
    source: str | None = None
    owner: str | None = None


class PeerProperties(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """The properties of one relationship edge (Infrahub's `_relation__*` inputs). In an event,
    a property left None is not set by it: an edge's earlier value stays (a new edge's is the
    default: visible, not protected, no source, no owner)."""

    is_protected: bool | None = None
    is_visible: bool | None = None
    source: str | None = None
    owner: str | None = None


class NodeCreated(_EventBase, frozen=True, kw_only=True, tag="node.created"):
    """An object came into existence with its attributes and relationship peers."""

    v: int = 1
    node_id: str
    kind: str
    attributes: dict[str, AttributeValue] = {}
    relationships: dict[str, list[str]] = {}
    # relationship -> peer id -> the edge's properties, for the edges that have any
    peer_properties: dict[str, dict[str, PeerProperties]] = {}


class NodeUpdated(_EventBase, frozen=True, kw_only=True, tag="node.updated"):
    """Attributes set; relationship sets replaced (`relationships`) or changed by delta
    (`peers_added`, `peers_removed`, applied after replacement). Fields not named are unchanged.
    `peer_properties` sets properties of edges the object holds once those are applied; an edge
    that is gone loses its properties, one that stays keeps those not set here."""

    v: int = 1
    node_id: str
    kind: str
    attributes: dict[str, AttributeValue] = {}
    relationships: dict[str, list[str]] = {}
    peers_added: dict[str, list[str]] = {}
    peers_removed: dict[str, list[str]] = {}
    peer_properties: dict[str, dict[str, PeerProperties]] = {}


class NodeDeleted(_EventBase, frozen=True, kw_only=True, tag="node.deleted"):
    v: int = 1
    node_id: str
    kind: str


class SchemaLoaded(_EventBase, frozen=True, kw_only=True, tag="schema.loaded"):
    """The branch's schema became `schema` (the full resolved user schema, as a plain dict)."""

    v: int = 1
    schema_hash: str
    previous_hash: str | None = None
    schema: dict[str, Any]


class BranchCreated(_EventBase, frozen=True, kw_only=True, tag="branch.created"):
    """A branch forked from `origin` at `fork_seq` (origin's stream sequence) and `fork_time`."""

    v: int = 1
    branch_id: str
    name: str
    description: str = ""
    origin: str | None = None
    fork_seq: int = 0
    fork_time: str | None = None
    sync_with_git: bool = False


class BranchDeleted(_EventBase, frozen=True, kw_only=True, tag="branch.deleted"):
    v: int = 1
    branch_id: str
    name: str


class BranchUpdated(_EventBase, frozen=True, kw_only=True, tag="branch.updated"):
    """The branch's description changed (on main, as its create and delete are)."""

    v: int = 1
    branch_id: str
    name: str
    description: str = ""


class BranchMerged(_EventBase, frozen=True, kw_only=True, tag="branch.merged"):
    """On main, in the same batch as the merged changes: which branch, up to which of its
    sequences. The branch's own stream and history stay as they were."""

    v: int = 1
    branch_id: str
    name: str
    branch_head: int
    event_count: int = 0


class BranchRebased(_EventBase, frozen=True, kw_only=True, tag="branch.rebased"):
    """The branch now reads main as of `fork_seq` (moved forward from `previous_fork_seq`)."""

    v: int = 1
    branch_id: str
    fork_seq: int
    previous_fork_seq: int
    fork_time: str | None = None


class ConflictResolved(_EventBase, frozen=True, kw_only=True, tag="conflict.resolved"):
    """A reviewer chose which side of a conflict wins at merge (`keep`: branch or main)."""

    v: int = 1
    branch_id: str
    conflict_id: str
    keep: str


class MutationCommitted(_EventBase, frozen=True, kw_only=True, tag="mutation.committed"):
    """The last message of every mutation, written on the branch's literal head subject."""

    v: int = 1
    mutation_id: str
    event_count: int
    actor: str | None = None
    operation: str = ""


Event = (
    NodeCreated
    | NodeUpdated
    | NodeDeleted
    | SchemaLoaded
    | BranchCreated
    | BranchDeleted
    | BranchUpdated
    | BranchMerged
    | BranchRebased
    | ConflictResolved
    | MutationCommitted
)

_EVENT_TYPES: tuple[type[_EventBase], ...] = (
    NodeCreated,
    NodeUpdated,
    NodeDeleted,
    SchemaLoaded,
    BranchCreated,
    BranchDeleted,
    BranchUpdated,
    BranchMerged,
    BranchRebased,
    ConflictResolved,
    MutationCommitted,
)
TAGS: dict[str, type[_EventBase]] = {str(t.__struct_config__.tag): t for t in _EVENT_TYPES}


def event_tag(event: Event) -> str:
    return str(type(event).__struct_config__.tag)


def event_version(event: Event) -> int:
    return event.v
