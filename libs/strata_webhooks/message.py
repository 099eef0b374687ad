"""The request a webhook receives: the JSON body and the Standard Webhooks signature headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Final

import msgspec

from strata_feed.contract import FeedEvent

from .rules import WEBHOOK_KINDS, secret_key_bytes

__all__ = ["body_of", "signed_headers"]


# Secrets of webhook objects never leave in a payload, whatever the feed carries.
_SECRET_ATTRIBUTES: Final = frozenset({"shared_key"})
_REDACTED: Final = "**********"


def _redacted(event: FeedEvent) -> FeedEvent:
    attributes = event.changes.get("attributes")
    if event.kind not in WEBHOOK_KINDS or not isinstance(attributes, dict):
        return event
    hidden = {name: _REDACTED if name in _SECRET_ATTRIBUTES else value for name, value in attributes.items()}
    return msgspec.structs.replace(event, changes={**event.changes, "attributes": hidden})


def body_of(event: FeedEvent) -> bytes:
    """The feed event as it is, plus the fields Infrahub's standard webhook payload names."""
    event = _redacted(event)
    payload: dict[str, Any] = msgspec.to_builtins(event)
    payload.update({
        "event": event.type, "occured_at": event.occurred_at, "account_id": event.actor,
        "data": {"kind": event.kind, "node_id": event.node_id, "changes": event.changes},
    })  # fmt: skip
    return msgspec.json.encode(payload)


def signed_headers(message_id: str, timestamp: int, body: bytes, shared_key: str | None) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and, with a shared key, `webhook-signature: v1,<base64>`
    over `{id}.{timestamp}.{body}` (HMAC-SHA256)."""
    headers = {
        "content-type": "application/json",
        "user-agent": "strata-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
    }
    if shared_key:
        signed = f"{message_id}.{timestamp}.".encode() + body
        digest = hmac.new(secret_key_bytes(shared_key), signed, hashlib.sha256).digest()
        headers["webhook-signature"] = "v1," + base64.b64encode(digest).decode("ascii")
    return headers
