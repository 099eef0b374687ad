"""Why a mutation was refused: every problem found, each with the input path it concerns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from strata_core.errors import StrataError, ValidationFailed

__all__ = ["Issue", "Issues", "MutationError", "ObjectNotFound"]

Path = tuple[str | int, ...]


class Issue(msgspec.Struct, frozen=True):
    """One problem: where in the input (`("data", "name", "value")`) and why."""

    path: Path
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": list(self.path), "message": self.message}

    @property
    def location(self) -> str:
        """The field the problem is about, the way Infrahub names it in its messages."""
        if len(self.path) > 1 and self.path[0] == "data":
            return str(self.path[1])
        return ".".join(str(p) for p in self.path)


class MutationError(ValidationFailed):
    """The input was refused; `issues` lists every problem, nothing was decided."""

    code = "validation.failed"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        summary = ", ".join(f"{i.message} at {i.location}" if i.location else i.message for i in self.issues)
        super().__init__(summary or "invalid input", errors=[i.to_dict() for i in self.issues])


class ObjectNotFound(StrataError):
    """The object a mutation targets does not exist on the branch."""

    code = "node.not_found"


class Issues:
    """Collects problems while a decision is worked out; `raise_if_any` ends it."""

    def __init__(self) -> None:
        self._items: list[Issue] = []

    def add(self, path: Path, message: str) -> None:
        self._items.append(Issue(path, message))

    def extend(self, other: Issues) -> None:
        """Add `other`'s problems after these."""
        self._items += other._items

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise MutationError(self._items)
