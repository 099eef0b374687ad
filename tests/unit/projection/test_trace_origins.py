"""The projector's span continues the trace of what it projects: parent for one, links for many."""

from __future__ import annotations

from datetime import UTC, datetime

from opentelemetry import trace

from strata_events import NodeDeleted
from strata_eventstore.records import StoredEvent, nanos
from strata_graph.projection import ProjectionBatch
from strata_projection.stream_worker import _trace_origins

TP1 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
TP2 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _batch(seq: int, *traceparents: str | None) -> ProjectionBatch:
    events = tuple(
        StoredEvent(seq=seq, subject="s", event=NodeDeleted(node_id="n", kind="K"), stored_ns=nanos(datetime.now(UTC)), traceparent=tp)
        for tp in traceparents
    )
    return ProjectionBatch(last_seq=seq, events=events)


def test_one_traced_mutation_is_the_parent() -> None:
    parent, links = _trace_origins([_batch(1, TP1, TP1), _batch(2, None)])
    assert links == []
    assert parent is not None
    context = trace.get_current_span(parent).get_span_context()
    assert f"{context.trace_id:032x}" == TP1.split("-")[1]
    assert f"{context.span_id:016x}" == TP1.split("-")[2]


def test_several_traced_mutations_are_links() -> None:
    parent, links = _trace_origins([_batch(1, TP1), _batch(2, TP2)])
    assert parent is None
    assert sorted(f"{link.context.trace_id:032x}" for link in links) == sorted(tp.split("-")[1] for tp in (TP1, TP2))


def test_untraced_events_start_a_fresh_trace() -> None:
    assert _trace_origins([_batch(1, None)]) == (None, [])
