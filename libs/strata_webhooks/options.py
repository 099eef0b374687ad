"""How the worker delivers: retries, backoff, timeouts and concurrency."""

from __future__ import annotations

import random

import msgspec

__all__ = ["WebhookOptions", "backoff_delay"]


class WebhookOptions(msgspec.Struct, frozen=True, kw_only=True):
    max_attempts: int = 8
    retry_base_s: float = 2.0  # delay before the 2nd attempt, doubled for each further one
    retry_max_s: float = 600.0
    timeout_s: float = 10.0  # one HTTP attempt, connect to last byte
    per_endpoint_concurrency: int = 4
    total_concurrency: int = 64
    ack_wait_s: float = 30.0  # a delivery held by a worker that died is redelivered after this
    directory_max_age_s: float = 30.0


def backoff_delay(options: WebhookOptions, attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): exponential, capped,
    with "equal jitter" (between half and all of it) so that endpoints recovering together are
    not hit by every retry at once."""
    ceiling = min(options.retry_max_s, options.retry_base_s * 2.0 ** (attempt - 1))
    draw = rng.random() if rng is not None else random.random()
    return ceiling * (0.5 + draw / 2)
