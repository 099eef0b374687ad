"""OpenTelemetry set-up and the W3C `traceparent` carried on events."""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

__all__ = ["EXPORTERS", "configure_tracing", "context_from_headers", "current_traceparent", "tracer_provider"]

EXPORTERS = ("none", "console", "otlp")


def configure_tracing(
    service_name: str, exporter: str = "none", *, otlp_endpoint: str | None = None
) -> TracerProvider:
    """Install the process's tracer provider (see `tracer_provider`)."""
    provider = tracer_provider(service_name, exporter, otlp_endpoint=otlp_endpoint)
    trace.set_tracer_provider(provider)
    return provider


def tracer_provider(
    service_name: str, exporter: str = "none", *, otlp_endpoint: str | None = None
) -> TracerProvider:
    """A tracer provider exporting as told: `console` prints spans, `otlp` sends them over
    OTLP/HTTP (protobuf, batched) to `otlp_endpoint` (the collector's traces URL, e.g.
    http://collector:4318/v1/traces), `none` records nothing beyond the process."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    span_exporter: SpanExporter | None = None
    if exporter == "console":
        span_exporter = ConsoleSpanExporter()
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        span_exporter = OTLPSpanExporter(endpoint=otlp_endpoint)
    if span_exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(span_exporter))
    return provider


def current_traceparent() -> str | None:
    """The active span's `traceparent`, to be written on the events a command appends."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_from_headers(headers: Mapping[str, str] | None) -> Context:
    """An OpenTelemetry context continuing the trace named by an event's headers."""
    return propagate.extract(dict(headers or {}))
