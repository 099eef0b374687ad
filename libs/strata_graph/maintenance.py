"""Whole-graph operations: digest of the projected content, wipe for reset and rebuild."""

from __future__ import annotations

import hashlib
from typing import Final

import msgspec
from neo4j import AsyncDriver

__all__ = ["graph_digest", "wipe_graph"]

# `$branch` null: the whole graph; else the records of one branch (its stream's projection).
_DIGEST_QUERIES: Final = (
    "MATCH (r:Rec) WHERE $branch IS NULL OR r.branch = $branch "
    "RETURN r.branch, r.uid, r.from_seq, r.to_seq, r.kind, r.deleted, r.attrs, r.rels "
    "ORDER BY r.branch, r.uid, r.from_seq",
    "MATCH (c:Commit) WHERE $branch IS NULL OR c.branch = $branch "
    "RETURN c.branch, c.seq, toString(c.time), c.mutation_id, c.actor, c.operation ORDER BY c.branch, c.seq",
    "MATCH (b:Branch) WHERE $branch IS NULL OR b.id = $branch "
    "RETURN b.id, b.name, b.origin, b.fork_seq, b.deleted_seq ORDER BY b.id",
    "MATCH (s:SchemaRec) WHERE $branch IS NULL OR s.branch = $branch "
    "RETURN s.branch, s.from_seq, s.to_seq, s.hash ORDER BY s.branch, s.from_seq",
    "MATCH (c:Checkpoint) WHERE $branch IS NULL OR c.branch = $branch RETURN c.stream, c.seq ORDER BY c.stream",
)

_WIPE: Final = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


async def graph_digest(driver: AsyncDriver, database: str, branch: str | None = None) -> str:
    """SHA-256 over every projected record in a canonical order: equal graphs, equal digests.
    With `branch` (an id), over that branch's records only."""
    digest = hashlib.sha256()
    for query in _DIGEST_QUERIES:
        records, _, _ = await driver.execute_query(query, branch=branch, database_=database)
        for record in records:
            digest.update(msgspec.json.encode(list(record.values())))
            digest.update(b"\n")
        digest.update(b"--\n")
    return digest.hexdigest()


async def wipe_graph(driver: AsyncDriver, database: str) -> None:
    async with driver.session(database=database) as session:
        result = await session.run(_WIPE)
        await result.consume()
