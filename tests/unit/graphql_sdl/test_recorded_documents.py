"""Every GraphQL document the SDK and `infrahubctl` sent is valid against the generated schema.

The recordings loaded the Testing schema (rebuilt in `recorded_schema.yml`) on top of core; the
documents are checked against that, and against the same kinds on top of the four base schemas.
"""

from __future__ import annotations

import graphql
import pytest
from graphql.execution.values import get_variable_values

from strata_graphql.sdl import GraphQLSchemaCache, build_graphql_schema
from strata_schema import BranchSchema

from .recordings import CALL_FILES, RecordedRequest, count_requests, read_requests

REQUESTS = [request for name in CALL_FILES for request in read_requests(name)]


def _problems(schema: graphql.GraphQLSchema, request: RecordedRequest) -> list[str]:
    document = graphql.parse(request.document)
    problems = [error.message for error in graphql.validate(schema, document)]
    for operation in document.definitions:
        if isinstance(operation, graphql.OperationDefinitionNode) and operation.variable_definitions:
            coerced = get_variable_values(schema, operation.variable_definitions, request.variables)
            if isinstance(coerced, list):
                problems += [error.message for error in coerced]
    return problems


def test_every_recorded_request_is_read() -> None:
    for name in CALL_FILES:
        requests = read_requests(name)
        assert len(requests) == count_requests(name)
        assert all(request.document for request in requests)
    assert len(REQUESTS) == 80


@pytest.mark.parametrize("request_", REQUESTS, ids=[r.label for r in REQUESTS])
def test_recorded_document_is_valid(
    request_: RecordedRequest, recorded: BranchSchema, schemas: GraphQLSchemaCache
) -> None:
    assert _problems(build_graphql_schema(recorded, schemas), request_) == []


def test_recorded_documents_are_valid_next_to_the_base_schemas(
    base_and_recorded: BranchSchema, schemas: GraphQLSchemaCache
) -> None:
    schema = build_graphql_schema(base_and_recorded, schemas)
    assert {r.label: _problems(schema, r) for r in REQUESTS if _problems(schema, r)} == {}


def test_an_unknown_field_is_refused(recorded: BranchSchema, schemas: GraphQLSchemaCache) -> None:
    schema = build_graphql_schema(recorded, schemas)
    document = graphql.parse("query { TestingPerson { count edges { node { nickname { value } } } } }")
    messages = [e.message for e in graphql.validate(schema, document)]
    assert len(messages) == 1
    assert messages[0].startswith("Cannot query field 'nickname' on type 'TestingPerson'.")
