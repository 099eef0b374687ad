"""`?at=`: an ISO timestamp or a relative age (`30s`, `15m`, `1h`, `2d`, `1w`) to a moment,
and a branch's read view as it was then."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from neo4j import AsyncDriver

from strata_core.errors import ValidationFailed
from strata_graph.views import View
from strata_service.branches import BranchRef
from strata_graph.driver import read_records

__all__ = ["parse_at", "view_at"]

_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

_SEQ_AT = """
MATCH (c:Commit {branch: $branch}) WHERE c.time <= datetime($at)
RETURN max(c.seq) AS seq
"""


def parse_at(text: str, *, now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    relative = _RELATIVE.match(text.strip())
    if relative:
        return now - timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationFailed(
            f"at: {text!r} is neither an ISO 8601 time nor a relative age such as 1h", field="at"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _seq_at(driver: AsyncDriver, database: str, branch_id: str, at: datetime) -> int:
    records = await read_records(driver, database, _SEQ_AT, branch=branch_id, at=at.isoformat())
    seq = records[0]["seq"] if records else None
    return int(seq) if seq is not None else 0


async def view_at(driver: AsyncDriver, database: str, branch: BranchRef, at: datetime) -> View:
    """The branch as it was at `at`: its own records then, over its origin's records as of
    the earlier of the fork point in force then (a later rebase had not moved it yet) and that
    moment."""
    own = await _seq_at(driver, database, branch.id, at)
    if branch.origin is None:
        return View(branch=branch.id, own_seq=own)
    origin_now = await _seq_at(driver, database, branch.origin, at)
    return View(branch=branch.id, own_seq=own, origin=branch.origin, origin_seq=min(branch.fork_seq_at(own), origin_now),
                origin_now=origin_now)  # fmt: skip
