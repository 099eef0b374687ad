"""Correlation ids: which offered ids are kept, and that the context carries one to the logs."""

from __future__ import annotations

import structlog

from strata_core.correlation import correlated, current_correlation_id, valid_correlation_id


def test_only_printable_bounded_ids_are_accepted() -> None:
    assert valid_correlation_id("ticket-4711") and valid_correlation_id("a/b:c@d.e_f+g=h")
    assert not valid_correlation_id(None) and not valid_correlation_id("")
    assert not valid_correlation_id("has space") and not valid_correlation_id("x" * 129)
    assert not valid_correlation_id("new\nline")


def test_correlated_sets_the_id_and_the_log_context_then_restores_them() -> None:
    assert current_correlation_id() is None
    with correlated("c-1", request_id="r-1"):
        assert current_correlation_id() == "c-1"
        assert structlog.contextvars.get_contextvars() == {"correlation_id": "c-1", "request_id": "r-1"}
        with correlated("c-2"):
            assert current_correlation_id() == "c-2"
        assert current_correlation_id() == "c-1"
    assert current_correlation_id() is None
    assert "correlation_id" not in structlog.contextvars.get_contextvars()
