"""What a webhook object says, checked and read: URL, event types, branch scope, shared key.

Pure: the mutation layer uses `webhook_problems` to refuse bad input, the delivery side uses
`WebhookSpec.matches` to pick the webhooks a feed event goes to. Both read the same fields.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import msgspec

from strata_feed.contract import FEED_EVENT_TYPES, FeedEvent

__all__ = [
    "ALL_EVENTS",
    "BRANCH_SCOPES",
    "DEFAULT_BRANCH",
    "DELIVERED_KINDS",
    "WEBHOOK_GENERIC",
    "WEBHOOK_KINDS",
    "WebhookSpec",
    "event_type_error",
    "secret_key_bytes",
    "webhook_problems",
]

WEBHOOK_GENERIC: Final = "CoreWebhook"
WEBHOOK_KINDS: Final = ("CoreStandardWebhook", "CoreCustomWebhook")
# Custom webhooks post a transformation's output, which the worker cannot run yet.
DELIVERED_KINDS: Final = ("CoreStandardWebhook",)
DEFAULT_BRANCH: Final = "main"
ALL_EVENTS: Final = "all"
# Infrahub names its events `infrahub.node.created`; the same names are accepted here.
_INFRAHUB_PREFIX: Final = "infrahub."
BRANCH_SCOPES: Final = ("all_branches", "default_branch", "other_branches", "named_branches")
SECRET_PREFIX: Final = "whsec_"
_BRANCH_NAME_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def _feed_type(name: str) -> str:
    return name[len(_INFRAHUB_PREFIX):] if name.startswith(_INFRAHUB_PREFIX) else name


def event_type_error(name: Any) -> str | None:
    """Why `name` is not an event type a webhook can subscribe to, or None."""
    if not isinstance(name, str):
        return f"{name!r} is not a string"
    if name == ALL_EVENTS or _feed_type(name) in FEED_EVENT_TYPES:
        return None
    return f"{name!r} is not a known event type (one of {[ALL_EVENTS, *FEED_EVENT_TYPES]})"


def _url_error(url: Any) -> str | None:
    if not isinstance(url, str):
        return None  # a missing or non-string URL is refused by the generic checks
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"{url!r} is not an http or https URL"
    if not parts.hostname:
        return f"{url!r} has no host"
    try:
        _ = parts.port
    except ValueError:
        return f"{url!r} has an invalid port"
    return None


def secret_key_bytes(shared_key: str) -> bytes:
    """The HMAC key: `whsec_<base64>` is decoded as Standard Webhooks says; any other text is
    used as its UTF-8 bytes (what Infrahub does). Raises ValueError for bad base64."""
    if shared_key.startswith(SECRET_PREFIX):
        try:
            key = base64.b64decode(shared_key[len(SECRET_PREFIX):], validate=True)
        except binascii.Error as exc:
            raise ValueError("the part after whsec_ is not valid base64") from exc
        if not key:
            raise ValueError("the secret after whsec_ is empty")
        return key
    if not shared_key:
        raise ValueError("the shared key cannot be empty")
    return shared_key.encode("utf-8")


def webhook_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`(field, reason)` for each rule the webhook's final attribute values break.

    `values` maps attribute names to plain values (after defaults and the update applied).
    """
    problems: list[tuple[str, str]] = []
    url_reason = _url_error(values.get("url"))
    if url_reason:
        problems.append(("url", url_reason))
    types = values.get("event_type")
    if isinstance(types, list | tuple):
        problems.extend(("event_type", reason) for t in types if (reason := event_type_error(t)))
    scope = values.get("branch_scope") or "default_branch"
    names = values.get("branch_names")
    if isinstance(names, list | tuple):
        for name in names:
            if not isinstance(name, str) or not name or _BRANCH_NAME_FORBIDDEN.search(name):
                problems.append(("branch_names", f"{name!r} is not a valid branch name"))
    if scope == "named_branches" and not names:
        problems.append(("branch_names", "branch_names must list at least one branch when branch_scope is named_branches"))
    key = values.get("shared_key")
    if isinstance(key, str):
        try:
            secret_key_bytes(key)
        except ValueError as exc:
            problems.append(("shared_key", str(exc)))
    return problems


class WebhookSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook as the delivery side needs it, read from the graph."""

    id: str
    kind: str
    name: str
    url: str
    shared_key: str | None = None
    event_types: tuple[str, ...] = ()  # empty: every type
    branch_scope: str = "default_branch"
    branch_names: tuple[str, ...] = ()
    node_kind: str | None = None
    validate_certificates: bool = True
    active: bool = True

    @classmethod
    def from_values(cls, uid: str, kind: str, values: Mapping[str, Any]) -> WebhookSpec:
        types = values.get("event_type") or ()
        wanted = tuple(_feed_type(t) for t in types if isinstance(t, str))
        return cls(
            id=uid, kind=kind, name=str(values.get("name") or uid), url=str(values.get("url") or ""),
            shared_key=values.get("shared_key") or None,
            event_types=() if ALL_EVENTS in wanted else wanted,
            branch_scope=values.get("branch_scope") or "default_branch",
            branch_names=tuple(n for n in values.get("branch_names") or () if isinstance(n, str)),
            node_kind=values.get("node_kind") or None,
            validate_certificates=values.get("validate_certificates") is not False,
            active=values.get("active") is not False,
        )  # fmt: skip

    def _branch_matches(self, branch: str) -> bool:
        if branch in self.branch_names:
            return True
        if self.branch_scope == "all_branches":
            return True
        if self.branch_scope == "default_branch":
            return branch == DEFAULT_BRANCH
        if self.branch_scope == "other_branches":
            return branch != DEFAULT_BRANCH
        return False  # named_branches: only the names above

    def matches(self, event: FeedEvent) -> bool:
        """Whether `event` is delivered to this webhook."""
        if not self.active:
            return False
        if self.event_types and event.type not in self.event_types:
            return False
        if self.node_kind and event.kind is not None and event.kind != self.node_kind:
            return False
        return self._branch_matches(event.branch)
