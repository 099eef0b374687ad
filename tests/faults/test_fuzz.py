"""Fuzzing over real HTTP: schemathesis against the REST OpenAPI the API serves and against the
GraphQL schema (random documents from its introspection), Hypothesis over raw request bodies.
No input may earn a 5xx; anonymous or refused input appends nothing."""

from __future__ import annotations

from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strata_graphql.sdl import build_graphql_schema
from strata_schema import BranchSchema
from tests.faults.conftest import TOKEN_HEADERS
from tests.faults.figures import Figures
from tests.faults.hostile import BREAKOUTS, EXAMPLES, check_answer
from tests.faults.live_api import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(900)]

# GenericScalar (a JSON value in Infrahub's dialect) is a scalar schemathesis does not know: it
# fails the draw of any operation that takes one, so the test failed at random (DateTime and
# BigInt are among its own).
schemathesis.graphql.scalar("GenericScalar", st.one_of(
    st.text(max_size=20).map(schemathesis.graphql.nodes.String), st.integers().map(schemathesis.graphql.nodes.Int),
    st.booleans().map(schemathesis.graphql.nodes.Boolean),
))  # fmt: skip
# Upload (a file object's file) takes only a multipart request's file part: any literal drawn is
# refused at validation, which is what a fuzzed document must meet
schemathesis.graphql.scalar("Upload", st.text(max_size=8).map(schemathesis.graphql.nodes.String))

FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)  # fmt: skip


def _cases(schema: Any) -> st.SearchStrategy[schemathesis.Case[Any]]:
    """Every operation of a schemathesis schema, with valid and deliberately invalid inputs."""
    operations = [result.ok() for result in schema.get_all_operations()]
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    return st.one_of([op.as_strategy(generation_mode=mode) for op in operations for mode in modes])


def _openapi(live_api: LiveApi) -> Any:
    # loaded here rather than by schemathesis's URL loader, whose 10 s timeout a busy machine misses
    document = httpx.get(f"{live_api.url}/schema/openapi.json", timeout=120).json()
    return schemathesis.openapi.from_dict(document)


def _graphql_schema(live_api: LiveApi) -> Any:
    query = graphql.get_introspection_query()
    answer = httpx.post(f"{live_api.url}/graphql", json={"query": query}, headers=TOKEN_HEADERS, timeout=120)
    return schemathesis.graphql.from_dict(answer.json())


def _fuzz(cases: st.SearchStrategy[schemathesis.Case[Any]], live_api: LiveApi, figures: Figures, headers: dict[str, str]) -> None:
    # schemathesis's own pytest plugin does not run under pytest 9 (it reads Function._nodeid):
    # its strategies are driven by Hypothesis here instead.
    @FUZZ
    @given(case=cases)
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call(base_url=live_api.url, headers=headers, timeout=120)
        figures.inputs_tried += 1
        if response.status_code >= 500 or "internal error" in response.text:
            figures.server_errors += 1
            raise AssertionError(f"{case.method} {case.formatted_path} {case.body!r}: {response.status_code} {response.text[:300]}")

    run()


def test_the_generator_knows_every_scalar_of_the_graphql_schema() -> None:
    """The GraphQL fuzzers draw documents for every operation; a scalar schemathesis cannot
    generate fails the whole test whenever a random draw reaches it."""
    schema = build_graphql_schema(BranchSchema.initial())
    custom = {name for name, t in schema.type_map.items()
              if isinstance(t, graphql.GraphQLScalarType) and name not in graphql.specified_scalar_types}  # fmt: skip
    # schemathesis generates DateTime and BigInt itself, GenericScalar and Upload are registered
    # above: a new scalar needs a strategy there too
    assert custom == {"DateTime", "BigInt", "GenericScalar", "Upload"}
    introspection: dict[str, Any] = dict(graphql.introspection_from_schema(schema))
    fuzzed: Any = schemathesis.graphql.from_dict(introspection)
    operations = [result.ok() for result in fuzzed.get_all_operations()]
    [convert] = [op for op in operations if op.label == "Mutation.ConvertObjectType"]
    convert.as_strategy().example()  # its `fields_mapping: GenericScalar!` is always drawn


def test_rest_openapi_fuzzed_anonymously_never_5xx_and_appends_nothing(live_api: LiveApi, figures: Figures) -> None:
    heads = live_api.stream_heads()
    _fuzz(_cases(_openapi(live_api)), live_api, figures, {})
    assert live_api.stream_heads() == heads


def test_rest_openapi_fuzzed_with_credentials_never_5xx(live_api: LiveApi, figures: Figures) -> None:
    _fuzz(_cases(_openapi(live_api)), live_api, figures, TOKEN_HEADERS)


def test_random_graphql_documents_from_anonymous_callers_never_5xx_and_write_nothing(
    live_api: LiveApi, figures: Figures
) -> None:
    heads = live_api.stream_heads()
    _fuzz(_cases(_graphql_schema(live_api)), live_api, figures, {})
    assert live_api.stream_heads() == heads


def test_random_graphql_queries_with_credentials_never_5xx(live_api: LiveApi, figures: Figures) -> None:
    schema = _graphql_schema(live_api)
    queries = [r.ok() for r in schema.get_all_operations()]
    queries = [op for op in queries if "Query" in op.label]
    _fuzz(st.one_of([op.as_strategy() for op in queries]), live_api, figures, TOKEN_HEADERS)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text() | st.sampled_from(BREAKOUTS),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
_bodies = st.one_of(
    st.binary(max_size=300),
    _json.map(lambda v: httpx.Request("POST", "/", json=v).content),
    st.fixed_dictionaries({"query": st.text(max_size=200) | st.sampled_from(BREAKOUTS)},
                          optional={"variables": _json, "operationName": _json}).map(
        lambda v: httpx.Request("POST", "/", json=v).content),
)  # fmt: skip
_routes = st.sampled_from(["/graphql", "/graphql/main", "/api/auth/login", "/api/schema/load", "/api/schema/check",
                           "/api/diff/conflicts/x?branch=main"])  # fmt: skip


@FUZZ
@given(route=_routes, body=_bodies, authenticated=st.booleans())
def test_random_bodies_to_every_post_route_never_5xx(
    live_api: LiveApi, figures: Figures, route: str, body: bytes, authenticated: bool
) -> None:
    headers = {"content-type": "application/json", **(TOKEN_HEADERS if authenticated else {})}
    heads = live_api.stream_heads() if not authenticated else None
    response = httpx.post(live_api.url + route, content=body, headers=headers, timeout=120)
    check_answer(response, figures, f"{route} {body[:200]!r}")
    if heads is not None:
        assert live_api.stream_heads() == heads, "an anonymous request appended"
