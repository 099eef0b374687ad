"""Observability end to end: `/metrics` present and moving, correlation ids from a request header
onto the stored events and into the logs, and one trace from the API request to the projector."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
import structlog
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from strata_core.logging_setup import configure_logging
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_branches_api import _create
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def _metrics(api: AsyncTestClient) -> Samples:  # type: ignore[type-arg]
    response = await api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _labelled(samples: Samples, name: str) -> list[dict[str, str]]:
    return [dict(labels) for (n, labels) in samples if n == name]


@pytest.fixture
async def world(api: AsyncTestClient) -> AsyncTestClient:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS)).status_code == 200
    return api


async def test_metrics_present_and_moving(world: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    before = await _metrics(world)
    await _create(world, "Alice")
    await world.get("/api/health")  # the latency of a request shows up in the next scrape
    after = await _metrics(world)
    op = {"operation": "TestingPersonCreate", "outcome": "ok"}
    assert _value(after, "strata_mutations_total", **op) == _value(before, "strata_mutations_total", **op) + 1
    appended = {"operation": "TestingPersonCreate", "outcome": "committed"}
    assert _value(after, "strata_appends_total", **appended) == _value(before, "strata_appends_total", **appended) + 1
    main_stream = StreamNames(prefix=settings.stream_prefix).stream("main")
    events = "strata_events_appended_total"
    assert _value(after, events, stream=main_stream) >= _value(before, events, stream=main_stream) + 2  # node + head
    route = {"method": "POST", "route": "/graphql/{branch_name:str}", "status": "200"}
    name = "strata_http_request_duration_seconds_count"
    if not _value(after, name, **route):  # the route template spelling is litestar's
        route["route"] = next(lb["route"] for lb in _labelled(after, name) if lb["route"].startswith("/graphql"))
    assert _value(after, name, **route) > _value(before, name, **route)
    health = {"method": "GET", "route": "/api/health", "status": "200"}
    assert _value(after, name, **health) >= 1
    assert _value(after, "strata_projector_lag_events", stream=main_stream) == 0  # read-your-writes waited
    assert _value(after, "strata_projector_checkpoint", stream=main_stream) > 0
    pending = _labelled(after, "strata_consumer_pending_messages")
    assert {"stream": main_stream, "consumer": "projector"} in pending


async def test_a_failed_mutation_is_counted_with_its_error(world: AsyncTestClient) -> None:  # type: ignore[type-arg]
    before = await _metrics(world)
    body = (await world.post("/graphql/main", json={"query": 'mutation { TestingPersonUpdate(data: {id: "nope", height: {value: 1}}) { ok } }'},
                             headers=TOKEN_HEADERS)).json()  # fmt: skip
    assert body.get("errors")
    after = await _metrics(world)
    counted = {k: v - before.get(k, 0.0) for k, v in after.items()
               if k[0] == "strata_mutations_total" and dict(k[1])["operation"] == "TestingPersonUpdate"}  # fmt: skip
    assert sum(counted.values()) == 1
    assert all(dict(k[1])["outcome"] != "ok" for k, v in counted.items() if v)


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    configure_logging(log_format="json", level="debug", stream=buffer, cache=False)
    try:
        yield buffer
    finally:
        structlog.reset_defaults()


async def test_correlation_id_from_a_header_reaches_the_events_and_the_logs(
    json_logs: io.StringIO, world: AsyncTestClient, nc: Client, settings: Settings  # type: ignore[type-arg]
) -> None:
    """`json_logs` comes first: the projector's stream workers bind their loggers when started."""
    query = 'mutation { TestingPersonCreate(data: {name: {value: "Corr"}}) { object { id } } }'
    headers = {**TOKEN_HEADERS, "X-Correlation-Id": "ticket-4711"}
    response = await world.post("/graphql/main", json={"query": query}, headers=headers)
    assert response.status_code == 200 and not response.json().get("errors")
    assert response.headers["x-correlation-id"] == "ticket-4711"
    request_id = response.headers["x-request-id"]
    assert request_id and request_id != "ticket-4711"
    uid = response.json()["data"]["TestingPersonCreate"]["object"]["id"]
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    about = await store.read_object("main", uid)
    assert [e.correlation_id for e in about] == ["ticket-4711"]
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line.startswith("{")]
    finished = [ln for ln in lines if ln.get("event") == "request_finished" and ln.get("request_id") == request_id]
    assert finished and finished[0]["correlation_id"] == "ticket-4711"
    applied = [ln for ln in lines if ln.get("event") == "batches_applied" and "ticket-4711" in ln.get("correlation_ids", [])]
    assert applied, "the projector binds the correlation ids of what it applies"

    plain = await world.post("/graphql/main", json={"query": query.replace("Corr", "Plain")}, headers=TOKEN_HEADERS)
    assert plain.headers["x-correlation-id"] == plain.headers["x-request-id"]  # none offered: the request id
    bad = await world.get("/api/health", headers={"X-Correlation-Id": "has spaces and\ttabs"})
    assert bad.headers["x-correlation-id"] == bad.headers["x-request-id"]  # an unusable id is replaced


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def _one(found: list[ReadableSpan], what: str) -> ReadableSpan:
    assert len(found) == 1, f"{what}: {[s.name for s in found]}"
    return found[0]


async def test_one_trace_from_the_request_to_the_projector(world: AsyncTestClient, spans: InMemorySpanExporter, nc: Client, settings: Settings) -> None:  # type: ignore[type-arg]
    spans.clear()
    query = 'mutation { TestingPersonCreate(data: {name: {value: "Traced"}}) { object { id } } }'
    response = await world.post("/graphql/main", json={"query": query}, headers={**TOKEN_HEADERS, "X-Correlation-Id": "trace-me"})
    uid = response.json()["data"]["TestingPersonCreate"]["object"]["id"]
    finished = spans.get_finished_spans()
    request = _one([s for s in finished if s.kind == trace.SpanKind.SERVER and (s.attributes or {}).get("strata.correlation_id") == "trace-me"], "request span")
    trace_id = request.context.trace_id
    mutation = _one([s for s in finished if s.name == "mutation TestingPersonCreate" and s.context.trace_id == trace_id], "mutation span")
    assert mutation.parent is not None and mutation.parent.span_id == request.context.span_id
    append = _one([s for s in finished if s.name == "event_store.append" and s.context.trace_id == trace_id], "append span")
    assert append.parent is not None and append.parent.span_id == mutation.context.span_id
    projected = [s for s in finished if s.name == "project_batch" and s.context.trace_id == trace_id]
    assert projected and all(s.parent is not None and s.parent.span_id == append.context.span_id for s in projected)
    store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
    stored = await store.read_object("main", uid)
    assert stored[0].traceparent is not None and f"{trace_id:032x}" in stored[0].traceparent


