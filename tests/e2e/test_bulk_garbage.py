"""A bulk request leaves no reference cycle behind: the state of its run (every event and
record it decided) is freed when the request ends, not by the cyclic collector, whose
collections over such garbage were a large part of a bulk request's CPU."""

from __future__ import annotations

import gc

import pytest
from litestar.testing import AsyncTestClient

from strata_api.bulk import BulkCreates
from tests.e2e.test_graphql_api import _gql, animals  # noqa: F401  # the fixture, reused

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("count", [3, 300])  # a small document, and one parsed apart from the cache
async def test_a_bulk_run_is_freed_with_its_request(animals: AsyncTestClient, count: int) -> None:  # type: ignore[type-arg]  # noqa: F811
    fields = " ".join(f'p{i}: TestingPersonCreate(data: {{name: {{value: "Freed {count} {i}"}}}}) {{ ok }}' for i in range(count))
    gc.collect()
    gc.disable()  # what is left now stays in gc.get_objects() until collected
    try:
        body = await _gql(animals, "mutation { %s }" % fields)
        left = [o for o in gc.get_objects() if isinstance(o, BulkCreates)]
    finally:
        gc.enable()
    assert not body.get("errors") and len(body["data"]) == count, body
    assert left == [], "the bulk run is kept by a cycle"
