"""`strata server`: settings are read and everything is wired here."""

from __future__ import annotations

import uvicorn

from strata_api.app import create_app
from strata_api.resources import Resources
from strata_core.gc_pause import raise_collection_threshold
from strata_core.logging_setup import configure_logging
from strata_core.settings import Settings
from strata_core.tracing import configure_tracing

__all__ = ["run_server"]


def run_server(settings: Settings) -> None:
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    configure_tracing("strata-api", settings.otel_exporter, otlp_endpoint=settings.otel_endpoint)
    raise_collection_threshold()
    app = create_app(Resources(settings))
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="warning")
