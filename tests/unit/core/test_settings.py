"""Settings come from STRATA_* variables, with clear refusals."""

from __future__ import annotations

import pytest

from strata_core.settings import Settings, SettingsError


def test_reads_typed_values_from_the_environment() -> None:
    settings = Settings.from_env({"STRATA_API_PORT": "9001", "STRATA_ANONYMOUS_READ": "false", "HOME": "/x"})
    assert settings.api_port == 9001 and settings.anonymous_read is False


def test_bad_value_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="api_port"):
        Settings.from_env({"STRATA_API_PORT": "eighty"})


def test_test_accounts_are_refused_in_production() -> None:
    with pytest.raises(SettingsError, match="STRATA_SEED_TEST_ACCOUNTS"):
        Settings.from_env({"STRATA_ENVIRONMENT": "production", "STRATA_SEED_TEST_ACCOUNTS": "true"})


def test_otel_exporter_and_endpoint_are_checked() -> None:
    settings = Settings.from_env({"STRATA_OTEL_EXPORTER": "otlp", "STRATA_OTEL_ENDPOINT": "http://collector:4318/v1/traces"})
    assert settings.otel_exporter == "otlp" and settings.otel_endpoint == "http://collector:4318/v1/traces"
    with pytest.raises(SettingsError, match="STRATA_OTEL_EXPORTER"):
        Settings.from_env({"STRATA_OTEL_EXPORTER": "jaeger"})
    with pytest.raises(SettingsError, match="STRATA_OTEL_ENDPOINT"):
        Settings.from_env({"STRATA_OTEL_EXPORTER": "otlp", "STRATA_OTEL_ENDPOINT": "collector:4318"})
