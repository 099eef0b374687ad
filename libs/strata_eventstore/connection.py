"""Opens the NATS connection the same way everywhere (address and credentials from settings)."""

from __future__ import annotations

from typing import Any

import nats
from nats.aio.client import Client

from strata_core.settings import Settings

__all__ = ["connect_nats"]


async def connect_nats(settings: Settings, **options: Any) -> Client:
    """`options` go to nats-py as they are (name, reconnect policy, timeouts)."""
    return await nats.connect(
        settings.nats_url, user=settings.nats_user, password=settings.nats_password, **options
    )
