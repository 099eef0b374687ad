"""OpenTelemetry set-up and the W3C `traceparent` carried on events."""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

__all__ = ["configure_tracing", "current_traceparent", "context_from_headers"]


def configure_tracing(service_name: str, exporter: str = "none") -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)


def current_traceparent() -> str | None:
    """The active span's `traceparent`, to be written on the events a command appends."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_from_headers(headers: Mapping[str, str] | None) -> object:
    """An OpenTelemetry context continuing the trace named by an event's headers."""
    return propagate.extract(dict(headers or {}))
