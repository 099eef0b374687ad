"""The event store on NATS JetStream: one stream per branch, one atomic batch per mutation."""

from strata_eventstore.naming import StreamNames
from strata_eventstore.records import AppendResult, StoredEvent
from strata_eventstore.store import EventStore

__all__ = ["AppendResult", "EventStore", "StoredEvent", "StreamNames"]
