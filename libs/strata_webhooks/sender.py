"""One HTTP attempt: POST the signed body, time it, and say what happened."""

from __future__ import annotations

import time

import httpx
import msgspec

from .message import signed_headers
from .rules import WebhookSpec

__all__ = ["AttemptOutcome", "send_once"]


class AttemptOutcome(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    duration_ms: float
    status_code: int | None = None
    error: str | None = None


async def send_once(spec: WebhookSpec, message_id: str, body: bytes, timeout_s: float) -> AttemptOutcome:
    """A 2xx answer is a success; any other status, a timeout or a connection error is a failure."""
    headers = signed_headers(message_id, int(time.time()), body, spec.shared_key)
    started = time.monotonic()
    try:
        async with httpx.AsyncClient(verify=spec.validate_certificates, timeout=timeout_s,
                                     follow_redirects=False) as client:
            response = await client.post(spec.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        elapsed = (time.monotonic() - started) * 1000
        return AttemptOutcome(ok=False, duration_ms=round(elapsed, 1), error=f"{type(exc).__name__}: {exc}".strip())
    elapsed = (time.monotonic() - started) * 1000
    ok = 200 <= response.status_code < 300
    return AttemptOutcome(ok=ok, duration_ms=round(elapsed, 1), status_code=response.status_code,
                          error=None if ok else f"HTTP {response.status_code}")
