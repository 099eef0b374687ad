"""JetStream API error codes Strata reacts to (one table, not strings in code)."""

from __future__ import annotations

from typing import Final

__all__ = ["JsErrorCode"]


class JsErrorCode:
    WRONG_LAST_SEQUENCE: Final = 10071
    STREAM_NOT_FOUND: Final = 10059
    CONSUMER_NOT_FOUND: Final = 10014
    BATCH_DUPLICATE_MSG_ID: Final = 10201
    BATCH_TOO_LARGE: Final = 10199
    STREAM_STORE_FAILED: Final = 10077
    STREAM_NAME_IN_USE: Final = 10058
