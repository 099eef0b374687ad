"""Per-stream projector status: checkpoint, stream end and lag, published for operators."""

from __future__ import annotations

import msgspec

__all__ = ["StreamStatus"]


class StreamStatus(msgspec.Struct, kw_only=True):
    branch_id: str
    stream: str
    checkpoint: int = 0
    last_seq: int = 0
    lag: int = 0
    applied_events: int = 0
    last_apply_ms: float = 0.0
