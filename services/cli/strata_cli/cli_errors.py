"""Errors the CLI reports as `strata: <message>` with exit code 2 (no traceback)."""

from __future__ import annotations

__all__ = ["CliArgumentError"]


class CliArgumentError(ValueError):
    """A command-line value that cannot be used; the message names the option and the reason."""
