"""The webhooks the worker delivers to, read from the graph and cached.

Webhook kinds are branch-agnostic, so their records live on main. The cache is dropped when a
feed event is about a webhook object and otherwise re-read after `max_age_s`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Final

import msgspec
from neo4j import AsyncDriver

from strata_graph.records import OPEN

from .rules import DEFAULT_BRANCH, DELIVERED_KINDS, WebhookSpec
from strata_graph.driver import read_records

__all__ = ["WebhookDirectory"]

_LIST_WEBHOOKS: Final = """
MATCH (r:Rec {branch: $branch, to_seq: $open})
WHERE r.kind IN $kinds AND NOT r.deleted
RETURN r.uid AS uid, r.kind AS kind, r.attrs AS attrs
ORDER BY r.uid
"""


def _values(attrs_json: str | None) -> dict[str, Any]:
    attrs: dict[str, Any] = msgspec.json.decode(attrs_json or "{}")
    return {name: (record or {}).get("value") for name, record in attrs.items()}


class WebhookDirectory:
    def __init__(self, driver: AsyncDriver, database: str, max_age_s: float = 30.0) -> None:
        self._driver = driver
        self._database = database
        self._max_age_s = max_age_s
        self._cached: dict[str, WebhookSpec] | None = None
        self._read_at = 0.0
        self._lock = asyncio.Lock()
        self.changed = asyncio.Event()  # set after a read that found a different set of webhooks

    def invalidate(self) -> None:
        self._cached = None

    async def all(self) -> dict[str, WebhookSpec]:
        async with self._lock:
            if self._cached is None or time.monotonic() - self._read_at > self._max_age_s:
                fresh = await self._read()
                if fresh != self._cached:
                    self.changed.set()
                self._cached, self._read_at = fresh, time.monotonic()
            return self._cached

    async def get(self, webhook_id: str) -> WebhookSpec | None:
        return (await self.all()).get(webhook_id)

    async def _read(self) -> dict[str, WebhookSpec]:
        records = await read_records(
            self._driver, self._database, _LIST_WEBHOOKS,
            branch=DEFAULT_BRANCH, open=OPEN, kinds=list(DELIVERED_KINDS),
        )
        return {r["uid"]: WebhookSpec.from_values(r["uid"], r["kind"], _values(r["attrs"])) for r in records}
