"""The correlation id of the work in progress: set by the edge that received the request, read
by the event store (written on every event it appends) and by the logs (bound in structlog)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import structlog

__all__ = ["correlated", "current_correlation_id", "valid_correlation_id"]

_CURRENT: ContextVar[str | None] = ContextVar("strata_correlation_id", default=None)
# Ids travel in NATS and HTTP headers: printable, no spaces, bounded.
_VALID = re.compile(r"^[A-Za-z0-9._:/@+=-]{1,128}$")


def current_correlation_id() -> str | None:
    return _CURRENT.get()


def valid_correlation_id(value: str | None) -> bool:
    return value is not None and _VALID.match(value) is not None


@contextmanager
def correlated(correlation_id: str, **log_fields: str) -> Iterator[None]:
    """Within the block, appended events carry `correlation_id` and log lines show it (plus
    `log_fields`, e.g. the request id)."""
    token = _CURRENT.set(correlation_id)
    try:
        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id, **log_fields):
            yield
    finally:
        _CURRENT.reset(token)
