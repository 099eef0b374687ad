"""Opens the Neo4j driver the same way everywhere (auth from settings, no notification spam)."""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase

from strata_core.settings import Settings

__all__ = ["open_driver", "open_driver_at"]


def open_driver_at(uri: str, auth: tuple[str, str] | None = None) -> AsyncDriver:
    # Schema-less property warnings ("property key does not exist") are expected on an empty
    # graph and would flood the logs: the server's notifications are turned off.
    return AsyncGraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")


def open_driver(settings: Settings) -> AsyncDriver:
    return open_driver_at(settings.neo4j_uri, settings.neo4j_auth)
