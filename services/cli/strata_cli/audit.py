"""`strata audit`: who changed what, from the event log. `object` is one object's history,
`changes` every change in a time range and/or on a branch, `events` a branch's raw events.
Output: a table on stdout, or JSON lines (`--format jsonl`), to stdout or `--output FILE`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO

import msgspec
from rich.console import Console
from rich.table import Table

from strata_cli.cli_errors import CliArgumentError
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.connection import connect_nats
from strata_core.errors import ValidationFailed
from strata_service.time_travel import parse_at
from strata_service.audit_log import ChangeFilter, ChangeRecord, change_records, find_branch, log_branches, object_history

__all__ = ["parse_moment", "run_audit_changes", "run_audit_object"]

def parse_moment(option: str, text: str, now: datetime | None = None) -> datetime:
    """ISO 8601 (a zone-less time is UTC), or a duration ago: `90s`, `15m`, `1h`, `2d`, `1w`."""
    try:
        return parse_at(text, now=now)
    except ValidationFailed as exc:
        raise CliArgumentError(
            f"{option}: {text!r} is neither an ISO 8601 time nor a duration such as 30m, 1h, 2d"
        ) from exc


async def _records_of_object(settings: Settings, node_id: str, branch: str) -> list[ChangeRecord]:
    nc = await connect_nats(settings)
    try:
        store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
        found = find_branch(await log_branches(store), branch)
        return await object_history(store, found, node_id)
    finally:
        await nc.close()


async def _records_of_changes(settings: Settings, branch: str | None, where: ChangeFilter) -> list[ChangeRecord]:
    nc = await connect_nats(settings)
    try:
        store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
        branches = await log_branches(store)
        chosen = [find_branch(branches, branch)] if branch is not None else list(branches.values())
        return [r async for r in change_records(store, chosen, where)]
    finally:
        await nc.close()


def _write(records: Iterable[ChangeRecord], fmt: str, output: str | None, title: str) -> int:
    sink: IO[str] = sys.stdout if output is None else Path(output).open("w", encoding="utf-8")
    count = 0
    try:
        if fmt == "jsonl":
            encoder = msgspec.json.Encoder()
            for record in records:
                sink.write(encoder.encode(record).decode())
                sink.write("\n")
                count += 1
            return count
        table = Table(title=title, show_lines=False)
        for column in ("time", "branch", "actor", "operation", "type", "kind", "node", "event id"):
            table.add_column(column, overflow="fold")
        for r in records:
            table.add_row(r.time, r.branch, r.actor or "", r.operation or "", r.type, r.kind or "", r.node_id or "", r.event_id)
            count += 1
        Console(file=sink, width=200 if output is not None or not sink.isatty() else None).print(table)
        return count
    finally:
        if output is not None:
            sink.close()


def run_audit_object(settings: Settings, node_id: str, branch: str, fmt: str, output: str | None) -> int:
    records = asyncio.run(_records_of_object(settings, node_id, branch))
    count = _write(records, fmt, output, f"history of {node_id} on {branch}")
    print(f"audit: {count} changes to {node_id} on {branch}", file=sys.stderr)
    return 0


def run_audit_changes(
    settings: Settings, *, since: str | None, until: str | None, branch: str | None, actor: str | None,
    kind: str | None, fmt: str, output: str | None,
) -> int:  # fmt: skip
    where = ChangeFilter(
        since=parse_moment("--since", since) if since else None,
        until=parse_moment("--until", until) if until else None,
        actor=actor, kind=kind,
    )  # fmt: skip
    if where.since is not None and where.until is not None and where.until < where.since:
        raise CliArgumentError("--until: must not be before --since")
    records = asyncio.run(_records_of_changes(settings, branch, where))
    count = _write(records, fmt, output, "changes")
    print(f"audit: {count} changes on {branch or 'every branch'}", file=sys.stderr)
    return 0


