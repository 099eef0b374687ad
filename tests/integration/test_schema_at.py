"""A branch's schema as of a sequence is read from the graph until the branch is projected past
that sequence; from then on the answer is final and kept (no read)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from neo4j import AsyncDriver

from strata_graph import cypher
from strata_graph.records import OPEN
from strata_schema import BranchSchema
from strata_service.schema_service import SchemaService

pytestmark = pytest.mark.integration


async def _run(driver: AsyncDriver, query: Any, **params: Any) -> None:
    async with driver.session(database="neo4j") as session:
        await (await session.run(query, **params)).consume()


async def test_a_settled_schema_is_kept_and_an_unsettled_one_read_again(neo4j_driver: AsyncDriver) -> None:
    branch = f"s{uuid.uuid4().hex[:10]}"
    body = msgspec.json.encode(BranchSchema.initial().to_dict()).decode()
    schemas = SchemaService(None, neo4j_driver, "neo4j")  # type: ignore[arg-type]  # reads only
    await _run(neo4j_driver, cypher.WRITE_SCHEMA, branch=branch, open=OPEN, seq=5, hash="h1", body=body)
    await _run(neo4j_driver, cypher.SET_CHECKPOINT, stream=f"S_{branch}", seq=6, branch=branch)
    first = await schemas.at(branch, 7)  # the branch is projected to 6 only: not final
    assert first is not None
    await _run(neo4j_driver, "MATCH (s:SchemaRec {branch: $branch}) SET s.to_seq = 7", branch=branch)
    assert await schemas.at(branch, 7) is schemas._initial_schema()  # read again: none valid at 7 now
    settled = await schemas.at(branch, 6)  # projected to 6: final
    await _run(neo4j_driver, "MATCH (s:SchemaRec {branch: $branch}) DETACH DELETE s", branch=branch)
    assert await schemas.at(branch, 6) is settled  # kept: the graph was not read again
    assert await schemas.at(branch, 5) is schemas._initial_schema()  # a sequence not asked before is read
