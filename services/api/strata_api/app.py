"""Builds the Litestar application from already-connected resources."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State

from strata_api.resources import Resources

__all__ = ["create_app"]


def create_app(resources: Resources) -> Litestar:
    @get("/api/health", sync_to_thread=False)
    def health() -> dict[str, Any]:
        return {"status": "ok"}

    return Litestar(
        route_handlers=[health],
        state=State(resources.as_state()),
        on_startup=[resources.start],
        on_shutdown=[resources.stop],
    )
