"""Gaps the fault suite found in the GraphQL route, now closed: each test keeps one closed."""

from __future__ import annotations

import neo4j.exceptions
import pytest
from graphql import GraphQLError

from strata_api.routes.graphql import error_entry

pytestmark = [pytest.mark.faults]


def test_a_query_resolver_meeting_neo4j_down_answers_store_unavailable() -> None:
    error = GraphQLError("read failed", original_error=neo4j.exceptions.ServiceUnavailable("connection refused"))
    entry = error_entry(error)
    assert entry.get("extensions", {}).get("code") == "store.unavailable", entry
