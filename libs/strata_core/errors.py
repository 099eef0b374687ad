"""One error hierarchy with stable string codes; the edges map codes to HTTP/GraphQL answers."""

from __future__ import annotations

from typing import Any

__all__ = [
    "BatchTooLarge",
    "BranchNotFound",
    "ConcurrencyConflict",
    "StrataError",
    "StoreUnavailable",
    "ValidationFailed",
]


class StrataError(Exception):
    """Base of every error Strata raises on purpose. `code` is stable and public."""

    code: str = "internal"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ConcurrencyConflict(StrataError):
    """Another writer moved the branch head first."""

    code = "branch.conflict"


class BranchNotFound(StrataError):
    code = "branch.not_found"


class ValidationFailed(StrataError):
    code = "validation.failed"


class BatchTooLarge(StrataError):
    code = "batch.too_large"


class StoreUnavailable(StrataError):
    """The event store or the graph could not be reached or answered with an error."""

    code = "store.unavailable"
