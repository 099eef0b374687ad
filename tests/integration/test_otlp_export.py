"""`STRATA_OTEL_EXPORTER=otlp`: spans reach an OTLP/HTTP endpoint (a local HTTP server standing
in for the collector), as protobuf, with the service name."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from strata_core.tracing import tracer_provider


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802  # the http.server hook's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base class's name
        return None


@pytest.fixture
def collector() -> Iterator[str]:
    _Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
    finally:
        server.shutdown()


def test_spans_are_exported_over_otlp_http(collector: str) -> None:
    provider = tracer_provider("strata-test", "otlp", otlp_endpoint=collector)
    with provider.get_tracer("test").start_as_current_span("exported") as span:
        span.set_attribute("strata.branch_id", "main")
    assert provider.force_flush(10_000)
    provider.shutdown()
    assert len(_Collector.received) == 1
    path, content_type, body = _Collector.received[0]
    assert path == "/v1/traces" and content_type == "application/x-protobuf"
    request = ExportTraceServiceRequest.FromString(body)
    resource = request.resource_spans[0]
    assert {a.key: a.value.string_value for a in resource.resource.attributes}["service.name"] == "strata-test"
    names = [s.name for scope in resource.scope_spans for s in scope.spans]
    assert names == ["exported"]


def test_no_exporter_sends_nothing(collector: str) -> None:
    provider = tracer_provider("strata-test", "none", otlp_endpoint=collector)
    with provider.get_tracer("test").start_as_current_span("kept"):
        pass
    provider.force_flush(1_000)
    provider.shutdown()
    assert _Collector.received == []
