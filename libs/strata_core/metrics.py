"""The Prometheus metrics every Strata process may update, in the default registry.

The API serves them at `/metrics`; the projector's lag is read at scrape time from JetStream and
the graph (see strata_api.metrics_route), so it is right even when the projector is down.
"""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

__all__ = [
    "APPENDS",
    "BRANCH_CHANGE_SETS",
    "BULK_DOCUMENTS",
    "CONSUMER_ACK_PENDING",
    "CONSUMER_PENDING",
    "EVENTS_APPENDED",
    "MUTATIONS",
    "PROJECTOR_CHECKPOINT",
    "PROJECTOR_LAG",
    "REQUEST_LATENCY",
    "STREAM_LAST_SEQ",
]

# The `_created` series double the exposition and no alert uses them.
disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus-client leaves it unannotated

REQUEST_LATENCY: Final = Histogram(
    "strata_http_request_duration_seconds",
    "HTTP request latency by route template, method and status code.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
MUTATIONS: Final = Counter(
    "strata_mutations_total",
    "GraphQL root mutations by operation (field name) and outcome (ok or the error code).",
    ["operation", "outcome"],
)
BULK_DOCUMENTS: Final = Counter(
    "strata_bulk_documents_total",
    "Bulk create documents by the path that answered them: plain (read without an AST), "
    "plain_refused (refused there, answered by the general path), or general.",
    ["path"],
)
BRANCH_CHANGE_SETS: Final = Counter(
    "strata_branch_change_sets_total",
    "Branch change sets (diff, validate, merge, rebase) by source: computed from the graph, or "
    "recent (the one last computed at the same heads and schema, reused).",
    ["source"],
)
APPENDS: Final = Counter(
    "strata_appends_total",
    "Atomic batches offered to the event store, by operation and outcome "
    "(committed, duplicate, conflict, failed).",
    ["operation", "outcome"],
)
EVENTS_APPENDED: Final = Counter(
    "strata_events_appended_total",
    "Events stored by appends that committed (head messages included), by branch stream.",
    ["stream"],
)
STREAM_LAST_SEQ: Final = Gauge(
    "strata_stream_last_seq", "Last sequence of each branch stream.", ["stream"]
)
PROJECTOR_CHECKPOINT: Final = Gauge(
    "strata_projector_checkpoint",
    "Last stream sequence the read model holds (its checkpoint in the graph).",
    ["stream"],
)
PROJECTOR_LAG: Final = Gauge(
    "strata_projector_lag_events",
    "Stream messages not yet in the read model: last sequence minus the graph checkpoint.",
    ["stream"],
)
CONSUMER_PENDING: Final = Gauge(
    "strata_consumer_pending_messages",
    "Messages not yet delivered to each durable consumer.",
    ["stream", "consumer"],
)
CONSUMER_ACK_PENDING: Final = Gauge(
    "strata_consumer_ack_pending_messages",
    "Messages delivered to each durable consumer and not yet acknowledged.",
    ["stream", "consumer"],
)
