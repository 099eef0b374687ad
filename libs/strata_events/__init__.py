"""Strata's event vocabulary: frozen, versioned msgspec structs and their wire codec.

This package depends on msgspec and the standard library only (house rule 2).
"""

from strata_events.codec import DecodeError, NewerEventVersion, decode_event, encode_event
from strata_events.headers import EventHeaders
from strata_events.types import (
    AttributeValue,
    PeerProperties,
    BranchCreated,
    BranchDeleted,
    BranchUpdated,
    BranchMerged,
    BranchRebased,
    ConflictResolved,
    Event,
    MutationCommitted,
    NodeCreated,
    NodeDeleted,
    NodeUpdated,
    SchemaLoaded,
    event_tag,
    event_version,
)
from strata_events.upcasting import UPCASTERS, upcast

__all__ = [
    "UPCASTERS",
    "AttributeValue",
    "PeerProperties",
    "BranchCreated",
    "BranchDeleted",
    "BranchUpdated",
    "BranchMerged",
    "BranchRebased",
    "ConflictResolved",
    "DecodeError",
    "Event",
    "EventHeaders",
    "MutationCommitted",
    "NewerEventVersion",
    "NodeCreated",
    "NodeDeleted",
    "NodeUpdated",
    "SchemaLoaded",
    "decode_event",
    "encode_event",
    "event_tag",
    "event_version",
    "upcast",
]
