"""Opens the Neo4j driver the same way everywhere (auth from settings, no notification spam),
and runs the reads of the API and the services."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncGraphDatabase, Record
from neo4j.exceptions import ClientError

from strata_core.settings import Settings

__all__ = ["UnloggedRows", "create_schema_rule", "open_driver", "open_driver_at", "read_records"]


class UnloggedRows(list[Any]):
    """A statement parameter of many rows: packed as any list, but its `repr` is its length.

    The driver (neo4j 6.4, `AsyncBolt5x5.run`) formats every statement's parameters with `repr`
    for a debug log line before the logger looks at its level. For a projector write of 10,000
    records that was ~50 ms of CPU per statement (4.5 MB of text thrown away), at any log level.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def open_driver_at(uri: str, auth: tuple[str, str] | None = None) -> AsyncDriver:
    # Schema-less property warnings ("property key does not exist") are expected on an empty
    # graph and would flood the logs: the server's notifications are turned off.
    return AsyncGraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")


def open_driver(settings: Settings) -> AsyncDriver:
    return open_driver_at(settings.neo4j_uri, settings.neo4j_auth)


async def read_records(
    driver: AsyncDriver, database: str, query: LiteralString, /, **params: Any
) -> list[Record]:
    """One read, through `execute_query` without its bookmark manager.

    With the default bookmark manager `RETURN 1` took 2.4-3.9 ms p50, without it 2.2-2.8 ms
    (an auto-commit read was 1.3-1.8 ms, but loses the driver's retries: after a Neo4j restart
    the first read on each pooled connection failed, and one restart test hung). Reads need no
    bookmarks: the API waits for the projector's checkpoint (read from the graph itself) before
    it reads what a mutation wrote; the default routing sends every read to a cluster's leader,
    which holds the projector's commits. List parameters go as `UnloggedRows`.
    """
    params = {name: UnloggedRows(value) if type(value) is list else value for name, value in params.items()}
    records, _, _ = await driver.execute_query(query, params, database_=database, bookmark_manager_=None)
    return records


# Two processes creating the same index at once: `IF NOT EXISTS` does not cover the race, the
# later one is told the rule exists (seen when the API and the projector start together).
_ALREADY_THERE = frozenset({
    "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
    "Neo.ClientError.Schema.IndexAlreadyExists",
    "Neo.ClientError.Schema.ConstraintAlreadyExists",
})  # fmt: skip


async def create_schema_rule(driver: AsyncDriver, database: str, statement: LiteralString) -> None:
    """Run one `CREATE INDEX|CONSTRAINT … IF NOT EXISTS`; another process winning the race is fine."""
    try:
        await driver.execute_query(statement, database_=database)
    except ClientError as exc:
        if exc.code not in _ALREADY_THERE:
            raise
