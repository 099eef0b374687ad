"""Upcasters: pure `dict -> dict` steps from one payload version to the next.

The table is explicit: `(tag, from_version) -> step`. A stored payload is lifted one version
at a time until it reaches the version the code writes today.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CURRENT_VERSIONS", "UPCASTERS", "NewerVersionError", "UpcastError", "upcast"]

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]


class UpcastError(ValueError):
    """A payload's version has no path to the current version."""


class NewerVersionError(UpcastError):
    """The payload was written by newer code than this reader: upgrade the reader, never skip."""


# No stored payload has needed lifting yet: every type is still at version 1. The first change
# to an event's fields adds its step here together with a saved payload of the old version
# under tests/unit/events/payloads/.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}

CURRENT_VERSIONS: dict[str, int] = {
    "node.created": 1,
    "node.updated": 1,
    "node.deleted": 1,
    "schema.loaded": 1,
    "branch.created": 1,
    "branch.deleted": 1,
    "branch.updated": 1,
    "branch.merged": 1,
    "branch.rebased": 1,
    "conflict.resolved": 1,
    "mutation.committed": 1,
}


def upcast(
    payload: Payload,
    *,
    table: dict[tuple[str, int], Upcaster] | None = None,
    versions: dict[str, int] | None = None,
) -> Payload:
    """Lift `payload` to the current version of its type; unchanged if already current."""
    table = UPCASTERS if table is None else table
    versions = CURRENT_VERSIONS if versions is None else versions
    tag = payload.get("type")
    if not isinstance(tag, str) or tag not in versions:
        raise UpcastError(f"unknown event type {tag!r}")
    version = payload.get("v", 1)
    if not isinstance(version, int):
        raise UpcastError(f"event {tag}: version {version!r} is not an integer")
    target = versions[tag]
    if version > target:
        raise NewerVersionError(f"event {tag}: version {version} is newer than this reader ({target})")
    while version < target:
        step = table.get((tag, version))
        if step is None:
            raise UpcastError(f"event {tag}: no upcaster from version {version}")
        payload = step(payload)
        version = payload["v"]
    return payload
