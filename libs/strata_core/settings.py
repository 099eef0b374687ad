"""Settings: every address and secret comes from here, read from `STRATA_*` environment variables.

Settings are passed in explicitly (no global); `Settings.from_env()` is called once in each
service's `main.py`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

__all__ = ["ENV_PREFIX", "Settings", "SettingsError"]

ENV_PREFIX = "STRATA_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """All runtime settings. Field `x_y` is read from `STRATA_X_Y`."""

    nats_url: str = "nats://127.0.0.1:4222"
    nats_user: str | None = None
    nats_password: str | None = None
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None  # unset or empty: auth disabled (development)
    neo4j_database: str = "neo4j"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    data_dir: str = ".data"
    log_format: str = "console"  # "console" or "json"
    log_level: str = "info"
    environment: str = "development"  # development, test, staging, production
    stream_prefix: str = "STRATA"
    stream_replicas: int = 1  # 3 on a JetStream cluster
    duplicate_window_s: float = 86400.0
    anonymous_read: bool = True
    jwt_secret: str | None = None
    # Bodies over this size are refused with 413 before they are read (schemas and bulk
    # mutations of thousands of objects stay well under it).
    max_request_body_bytes: int = 10_000_000
    # Failed logins: the n-th failure in a row of an account (or of a client address) makes the
    # next attempt wait 2^(n - free) seconds, capped; kept in JetStream KV, shared by all APIs.
    login_free_failures: int = 3
    login_max_delay_s: float = 300.0
    seed_test_accounts: bool = False  # admin/infrahub and the SDK's test token; never in production
    read_your_writes_timeout_s: float = 10.0
    otel_exporter: str = "none"  # "none", "console" or "otlp" (OTLP over HTTP)
    # With otel_exporter=otlp: the collector's traces URL; unset, the exporter's own default
    # (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT, else localhost:4318).
    otel_endpoint: str | None = None
    # Durable consumer name: a second projector feeding another Neo4j uses its own name.
    projector_name: str = "projector"
    # Events one projector transaction applies at most (whole mutations; one larger mutation
    # goes alone): larger projects a backlog faster, smaller keeps each transaction short.
    projector_max_events_per_tx: int = 5000
    # The public change feed (stream <PREFIX>_FEED): how long its messages are kept, and the
    # durable consumer name the feed relay reads each branch stream with.
    feed_max_age_s: float = 7 * 86400.0
    feed_relay_name: str = "feed"
    # Fault injection for tests only: the projector sleeps this long inside each transaction,
    # giving a test a window to SIGKILL it in the middle of a batch.
    projector_hold_in_tx_s: float = 0.0
    # Webhook delivery by the worker: attempts per delivery, first retry delay (doubled each
    # time, with jitter) and the timeout of one HTTP attempt.
    webhook_max_attempts: int = 8
    webhook_retry_base_s: float = 2.0
    webhook_timeout_s: float = 10.0
    webhook_ack_wait_s: float = 30.0  # a delivery held by a worker that died is retried after this

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `STRATA_*` variables; `STRATA_` names that are no setting are ignored
        (tools such as `strata dev` read their own `STRATA_DEV_*` variables)."""
        source = os.environ if env is None else env
        fields = {f.name: f for f in msgspec.structs.fields(cls)}
        values: dict[str, object] = {}
        for key, raw in source.items():
            if not key.startswith(ENV_PREFIX):
                continue
            name = key[len(ENV_PREFIX) :].lower()
            if name not in fields:
                continue  # other STRATA_ variables belong to tools (e.g. STRATA_TEST_*)
            values[name] = raw
        try:
            settings = msgspec.convert(values, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise SettingsError(f"invalid setting: {exc} (from {ENV_PREFIX}* environment)") from exc
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.environment == "production" and self.seed_test_accounts:
            raise SettingsError(
                "STRATA_SEED_TEST_ACCOUNTS: the test accounts may not be created in production"
            )
        if self.log_format not in ("console", "json"):
            raise SettingsError("STRATA_LOG_FORMAT: must be 'console' or 'json'")
        if self.otel_exporter not in ("none", "console", "otlp"):
            raise SettingsError("STRATA_OTEL_EXPORTER: must be 'none', 'console' or 'otlp'")
        if self.otel_endpoint is not None and not self.otel_endpoint.startswith(("http://", "https://")):
            raise SettingsError("STRATA_OTEL_ENDPOINT: must be an http:// or https:// URL")
        if self.projector_max_events_per_tx < 1:
            raise SettingsError("STRATA_PROJECTOR_MAX_EVENTS_PER_TX: must be at least 1")

    @property
    def neo4j_auth(self) -> tuple[str, str] | None:
        return (self.neo4j_user, self.neo4j_password) if self.neo4j_password else None

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).resolve()

    @property
    def api_url(self) -> str:
        return f"http://{self.api_host}:{self.api_port}"

    def env_names(self) -> list[str]:
        """The environment variable names this struct reads (checked against deploy files)."""
        return [ENV_PREFIX + f.name.upper() for f in msgspec.structs.fields(type(self))]
