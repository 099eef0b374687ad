"""The planned executor returns exactly what graphql-core's executor returns.

Documents are generated from the branch's GraphQL schema (random fields, aliases, nested
peers, inline fragments on generics, arguments, variables) and run both ways against the same
graph. A document graphql-core answers without errors must also be answered by the planned
executor itself, not handed back to graphql-core.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_named_type,
    is_required_argument,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from strata_api.resources import Resources
from strata_core.settings import Settings
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.documents import DocumentCache
from strata_graphql.runtime.executor import execute_document
from strata_graphql.runtime.planned import execute_planned
from strata_graphql.runtime.reader import GraphReader
from strata_graphql.runtime.shaping import agnostic_kinds
from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import ANIMALS

pytestmark = pytest.mark.integration

ZOO = msgspec.json.decode(msgspec.json.encode(ANIMALS))
ZOO["schemas"][0]["nodes"].append(
    {"name": "Cat", "namespace": "Testing", "inherit_from": ["TestingAnimal"],
     "attributes": [{"name": "color", "kind": "Dropdown", "optional": True,
                     "choices": [{"name": "black", "label": "Black", "color": "#000000"},
                                 {"name": "white", "label": "White"}]},
                    {"name": "lives", "kind": "Number", "default_value": 9}]}
)  # fmt: skip

ROOTS = ["TestingPerson", "TestingDog", "TestingCat", "TestingAnimal", "BuiltinTag", "ProfileTestingPerson"]
ROOT_ARGS = ["", "(limit: 2)", "(offset: 1, limit: 2)", '(name__value: "alice")', "(order: {disable: true})",
             '(partial_match: true, name__value: "o")', '(ids: ["nope"])', "(name__isnull: false)"]  # fmt: skip
MAX_DEPTH = 8


async def _mutate(api: AsyncTestClient, query: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await api.post("/graphql/main", json={"query": query}, headers=TOKEN_HEADERS)
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


@pytest.fixture
async def zoo(api: AsyncTestClient) -> AsyncTestClient:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=ZOO, headers=TOKEN_HEADERS)).status_code == 200
    tags = [(await _mutate(api, 'mutation { BuiltinTagCreate(data: {name: {value: "%s"}}) { object { id } } }' % n))
            ["BuiltinTagCreate"]["object"]["id"] for n in ("red", "blue")]  # fmt: skip
    profile = (await _mutate(api, 'mutation { ProfileTestingPersonCreate(data: {profile_name: {value: "tall"}, '
                             f'height: {{value: 190}}, tags: [{{id: "{tags[1]}"}}]}}) {{ object {{ id }} }} }}'))["ProfileTestingPersonCreate"]["object"]["id"]  # fmt: skip
    people = []
    for name, extra in (("alice", f'tags: [{{id: "{tags[0]}"}}, {{id: "{tags[1]}"}}]'),
                        ("bob", f'profiles: [{{id: "{profile}"}}]'), ("carol", "height: {value: 160}")):  # fmt: skip
        created = await _mutate(api, 'mutation { TestingPersonCreate(data: {name: {value: "%s"}, %s}) { object { id } } }' % (name, extra))
        people.append(created["TestingPersonCreate"]["object"]["id"])
    for i, (kind, owner, extra) in enumerate([("Dog", 0, 'breed: {value: "lab"}'), ("Dog", 1, ""), ("Cat", 0, 'color: {value: "black"}'),
                                              ("Cat", 2, ""), ("Dog", 2, "weight: {value: 12}")]):  # fmt: skip
        await _mutate(api, 'mutation { Testing%sCreate(data: {name: {value: "pet%d"}, owner: {id: "%s"}, %s}) { ok } }'
                      % (kind, i, people[owner], extra))  # fmt: skip
    return api


@pytest.fixture
async def readers(zoo: AsyncTestClient, settings: Settings) -> AsyncIterator[Resources]:  # type: ignore[type-arg]
    """API resources in the test's own event loop (the app's live in the test client's)."""
    resources = Resources(msgspec.structs.replace(settings, seed_test_accounts=True, read_your_writes_timeout_s=30.0))
    await resources.start()
    try:
        yield resources
    finally:
        await resources.stop()


_BASES: dict[int, GraphQLContext] = {}


async def _context(resources: Resources) -> GraphQLContext:
    """A fresh context (its own reader and caches) on main; the branch is resolved once."""
    base = _BASES.get(id(resources))
    if base is None:
        ref = await resources.branches.resolve("main")
        schema = await resources.schemas.current(ref)
        view = msgspec.structs.replace(ref.current_view(), agnostic=agnostic_kinds(schema))
        base = GraphQLContext(
            schema=schema, reader=GraphReader(resources.driver, resources.settings.neo4j_database, view),
            branch_name=ref.name, branch_id=ref.id, actor=None, mutations=None, roots={},
        )  # fmt: skip
        _BASES.clear()
        _BASES[id(resources)] = base
    return GraphQLContext(
        schema=base.schema, reader=GraphReader(resources.driver, resources.settings.neo4j_database, base.reader.view),
        branch_name=base.branch_name, branch_id=base.branch_id, actor=None, mutations=None, roots={},
    )  # fmt: skip


def _selection(draw: st.DrawFn, schema: GraphQLSchema, type_: GraphQLOutputType, depth: int) -> str:
    named = get_named_type(type_)
    assert isinstance(named, (GraphQLObjectType, GraphQLInterfaceType))
    fields = sorted(n for n, f in named.fields.items() if not any(is_required_argument(a) for a in f.args.values()))
    if "value" in fields and draw(st.booleans()):
        chosen = ["value"]  # an attribute asked for its value alone, as lists ask (a path of its own)
    else:
        chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=5, unique=True))
    parts = []
    nested = 0  # composite fields expanded here: few, so documents stay small at depth
    for name in chosen:
        field = named.fields[name]
        alias = draw(st.sampled_from(["", "", f"{name}_alias: "]))
        inner = get_named_type(field.type)
        if not isinstance(inner, (GraphQLObjectType, GraphQLInterfaceType)):
            parts.append(alias + name)
            continue
        nested += 1
        if nested > (2 if depth < 4 else 1):
            continue
        args = ""
        if "limit" in field.args and "offset" in field.args:
            args = draw(st.sampled_from(["", "", "(limit: 1)", "(offset: 1)"]))
        body = "__typename" if depth >= MAX_DEPTH else _selection(draw, schema, field.type, depth + 1)
        parts.append(f"{alias}{name}{args} {{ {body} }}")
    if isinstance(named, GraphQLInterfaceType) and draw(st.booleans()):
        concrete = draw(st.sampled_from(sorted(schema.get_possible_types(named), key=lambda t: t.name)))
        parts.append(f"... on {concrete.name} {{ {_selection(draw, schema, concrete, depth + 1)} }}")
    if draw(st.booleans()):
        parts.append("__typename")
    return " ".join(parts) or "__typename"


@st.composite
def documents(draw: st.DrawFn, schema: GraphQLSchema) -> tuple[str, dict[str, Any]]:
    query_type = schema.query_type
    assert query_type is not None
    roots = draw(st.lists(st.sampled_from(ROOTS), min_size=1, max_size=2))
    fields = []
    for i, root in enumerate(roots):
        args = draw(st.sampled_from(ROOT_ARGS))
        body = _selection(draw, schema, query_type.fields[root].type, 1)
        fields.append(f"r{i}: {root}{args} {{ {body} }}")
    if draw(st.booleans()):  # the same through a variable
        return "query Q($n: String) { named: TestingPerson(name__value: $n) { count edges { node { id name { value } } } } %s }" % " ".join(fields), {"n": draw(st.sampled_from(["bob", "zed"]))}
    return "query { %s }" % " ".join(fields), {}


@pytest.mark.timeout(1200)
@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
async def test_planned_results_equal_graphql_core_results(readers: Resources, data: st.DataObject) -> None:
    """The zoo is set up once and only read by the examples."""
    resources = readers
    probe = await _context(readers)
    graphql_schema = resources.graphql_cache.get(probe.schema)
    query, variables = data.draw(documents(graphql_schema))
    reference = await execute_document(resources.graphql_cache, await _context(readers), query, variables, None, planned=False)
    prepared = DocumentCache().prepare(graphql_schema, probe.schema.schema_hash, query, None)
    assume(not prepared.errors)  # e.g. one name asked on two types with different nullability
    assert prepared.plan is not None, query
    planned = await execute_planned(prepared.plan, graphql_schema, await _context(readers), variables)
    if reference.errors:
        assert planned is None, (query, reference.errors)
        return
    assert planned is not None, query  # answered by the planner itself, not handed back
    assert planned.errors is None
    assert msgspec.json.encode(planned.data) == msgspec.json.encode(reference.data), query


LIST = """query { TestingPerson { count edges { node { id display_label __typename name { value is_default }
  height { value is_from_profile source { id } } tags { count edges { node { id display_label } } }
  animals { edges { node { id hfid ... on TestingCat { color { value label color } } owner { node { id } } } } } } } } }"""


async def _planned_and_reference(resources: Resources, query: str) -> dict[str, Any]:
    """The planned executor's data for `query`, checked equal to graphql-core's, byte for byte."""
    ctx = await _context(resources)
    graphql_schema = resources.graphql_cache.get(ctx.schema)
    prepared = DocumentCache().prepare(graphql_schema, ctx.schema.schema_hash, query, None)
    assert prepared.plan is not None
    planned = await execute_planned(prepared.plan, graphql_schema, ctx, None)
    reference = await execute_document(resources.graphql_cache, await _context(resources), query, None, None, planned=False)
    assert planned is not None and reference.errors is None and planned.data is not None
    assert msgspec.json.encode(planned.data) == msgspec.json.encode(reference.data)
    return planned.data


async def test_the_common_list_query_is_planned_and_equal(readers: Resources) -> None:
    data = await _planned_and_reference(readers, LIST)
    people = {e["node"]["name"]["value"]: e["node"] for e in data["TestingPerson"]["edges"]}
    assert people["bob"]["height"]["value"] == 190 and people["bob"]["height"]["is_from_profile"]
    assert people["alice"]["tags"]["count"] == 2
    # bob's tag comes from his profile, carol has none: both leave the relationship empty, so
    # the two values must not be taken for one shared value (`_Completer.related`)
    assert [e["node"]["display_label"] for e in people["bob"]["tags"]["edges"]] == ["blue"]
    assert people["carol"]["tags"] == {"count": 0, "edges": []}
    assert {e["node"]["hfid"][1] for e in people["alice"]["animals"]["edges"]} == {"pet0", "pet2"}


async def test_what_the_planner_does_not_handle_runs_on_graphql_core(readers: Resources) -> None:
    resources = readers
    ctx = await _context(readers)
    graphql_schema = resources.graphql_cache.get(ctx.schema)
    cache = DocumentCache()
    for query in ("query { TestingPerson { count @include(if: true) } }", "{ __schema { queryType { name } } }",
                  "mutation { TestingPersonDelete(data: {id: \"x\"}) { ok } }"):  # fmt: skip
        assert cache.prepare(graphql_schema, ctx.schema.schema_hash, query, None).plan is None, query
    result = await execute_document(resources.graphql_cache, ctx, "query { TestingPerson { count @include(if: true) } }", None, None)
    assert result.data == {"TestingPerson": {"count": 3}}
    bad = await execute_document(resources.graphql_cache, ctx, "query { TestingPerson { nope } }", None, None, documents=cache)
    assert bad.errors and "nope" in bad.errors[0].message


async def test_an_empty_document_cache_given_keeps_the_document(readers: Resources) -> None:
    """An empty cache is falsy (it has a length): it was once swapped for a throw-away one, so
    the API's cache stayed empty, and every query was parsed, validated and planned again."""
    resources = readers
    schema = (await _context(readers)).schema
    cache = DocumentCache()
    await execute_document(resources.graphql_cache, await _context(readers), LIST, None, None, documents=cache)
    assert len(cache) == 1
    first = cache.prepare(resources.graphql_cache.get(schema), schema.schema_hash, LIST, None)
    await execute_document(resources.graphql_cache, await _context(readers), LIST, None, None, documents=cache)
    assert len(cache) == 1 and cache.prepare(resources.graphql_cache.get(schema), schema.schema_hash, LIST, None) is first


VALUES = """query { TestingPerson { edges { node { name { value } height { value __typename } tall: height { value } } } }
  TestingAnimal { edges { node { name { value } ... on TestingCat { color { value } lives { value } } } } } }"""


async def test_attributes_asked_for_their_value_alone_are_equal(readers: Resources) -> None:
    """Values from the object, from a profile and from the schema's default, through the path
    that reads an attribute's value without shaping the attribute."""
    data = await _planned_and_reference(readers, VALUES)
    people = {e["node"]["name"]["value"]: e["node"] for e in data["TestingPerson"]["edges"]}
    assert people["bob"]["height"] == {"value": 190, "__typename": "NumberAttribute"}  # from the profile
    assert people["carol"]["tall"] == {"value": 160} and people["alice"]["tall"] == {"value": None}
    cats = [e["node"] for e in data["TestingAnimal"]["edges"] if "lives" in e["node"]]
    assert [c["lives"] for c in cats] == [{"value": 9}, {"value": 9}]  # the schema's default
    assert sorted(str(c["color"]["value"]) for c in cats) == ["None", "black"]
