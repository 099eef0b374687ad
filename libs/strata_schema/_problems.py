"""Problems found on resolved kinds, and how to point them back at the file that declared them."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from .errors import SchemaError
from .merge import Origin


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """A problem on a kind, optionally on one of its elements and one field of it."""

    kind: str
    code: str
    reason: str
    container: str | None = None  # "attributes" or "relationships"
    element: str | None = None
    field: str | None = None
    index: int | None = None  # position inside a list field such as human_friendly_id


def locate(
    problem: Problem,
    kind_origins: Mapping[str, Origin],
    element_origins: Mapping[tuple[str, str, str], Origin],
) -> SchemaError:
    """Turn a problem into an error naming the file, document and path where it was declared."""
    tail: tuple[str | int, ...] = ()
    if problem.field is not None:
        tail = (problem.field,) if problem.index is None else (problem.field, problem.index)
    origin: Origin | None = None
    loc: tuple[str | int, ...]
    if problem.container is not None and problem.element is not None:
        origin = element_origins.get((problem.kind, problem.container, problem.element))
        if origin is not None:
            loc = (*origin.loc, *tail)
        else:
            base = kind_origins.get(problem.kind)
            if base is not None:
                origin = base
            loc = (*(base.loc if base else ()), problem.container, problem.element, *tail)
    else:
        origin = kind_origins.get(problem.kind)
        loc = (*(origin.loc if origin else ()), *tail)
    return SchemaError(
        code=problem.code,
        reason=problem.reason,
        file=origin.file if origin else None,
        schema_index=origin.schema_index if origin else None,
        kind=problem.kind,
        loc=loc,
    )
