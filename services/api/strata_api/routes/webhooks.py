"""Webhook deliveries: each delivery's state and attempts, as the worker recorded them."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery

from strata_api.auth_guard import require_reader
from strata_api.resources import Resources
from strata_webhooks.directory import WebhookDirectory
from strata_webhooks.records import DeliveryLog

__all__ = ["webhook_routes"]

_MAX_LIMIT = 1000


@get("/api/webhooks/{webhook_id:str}/deliveries", guards=[require_reader])
async def webhook_deliveries(state: State, webhook_id: FromPath[str], limit: FromQuery[int] = 100) -> dict[str, Any]:
    """Newest first: state (pending, delivered, failed) and every attempt (time, status code or
    error, duration, number, next retry)."""
    if not 1 <= limit <= _MAX_LIMIT:
        raise ValidationException(f"limit must be between 1 and {_MAX_LIMIT}")
    resources: Resources = state["resources"]
    webhook = await WebhookDirectory(resources.driver, resources.settings.neo4j_database).get(webhook_id)
    if webhook is None:
        raise NotFoundException(f"no webhook with id {webhook_id}")
    log = await DeliveryLog.existing(resources.nc.jetstream(), resources.names)
    deliveries = await log.list(webhook_id, limit) if log is not None else []
    return {
        "webhook": {"id": webhook.id, "kind": webhook.kind, "name": webhook.name, "url": webhook.url,
                    "active": webhook.active},
        "deliveries": [msgspec.to_builtins(d) for d in deliveries],
    }


webhook_routes = [webhook_deliveries]
