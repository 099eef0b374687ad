"""`InfrahubGraphQLQueryReport`: a query targets unique nodes when each of its root fields
filters on ids, hfid, a unique attribute or a whole uniqueness constraint, with values that are
always given. The base schemas' own constraints are the test's material."""

from __future__ import annotations

from functools import cache

import pytest

from strata_cli.bench.dataset import schema_documents
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.query_report import targets_unique_nodes
from strata_schema import BranchSchema


@cache
def _schema() -> BranchSchema:
    files = [(f"{i}.yml", doc) for i, doc in enumerate(schema_documents()["schemas"])]
    return BranchSchema.initial().load(files).new_schema


NODE = "edges { node { id } }"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # the SDK's own fixture: a unique attribute through a non-null variable
        (f"query T($name: String!) {{ BuiltinTag(name__value: $name) {{ {NODE} }} }}", True),
        (f"query T($name: String) {{ BuiltinTag(name__value: $name) {{ {NODE} }} }}", False),
        (f'query T($name: String = "red") {{ BuiltinTag(name__value: $name) {{ {NODE} }} }}', True),
        (f'query {{ BuiltinTag(name__value: "red") {{ {NODE} }} }}', True),
        (f"query {{ BuiltinTag(name__value: null) {{ {NODE} }} }}", False),
        (f'query {{ BuiltinTag(description__value: "red") {{ {NODE} }} }}', False),
        (f"query {{ BuiltinTag {{ {NODE} }} }}", False),
        (f"query T($ids: [ID]!) {{ DcimDevice(ids: $ids) {{ {NODE} }} }}", True),
        (f"query {{ DcimDevice(ids: []) {{ {NODE} }} }}", False),
        (f'query {{ DcimDevice(hfid: ["leaf1"]) {{ {NODE} }} }}', True),
        (f'query {{ DcimGenericDevice(name__value: "leaf1") {{ {NODE} }} }}', True),  # a generic's own
        # a constraint of two parts, one of them a relationship: both are needed
        (f'query {{ InterfacePhysical(name__value: "eth0") {{ {NODE} }} }}', False),
        (f'query {{ InterfacePhysical(name__value: "eth0", device__ids: ["d1"]) {{ {NODE} }} }}', True),
        (f'query {{ InterfacePhysical(name__value: "eth0", device__name__value: "leaf1") {{ {NODE} }} }}', True),
        (f'query {{ InterfacePhysical(name__value: "eth0", device__role__value: "leaf") {{ {NODE} }} }}', False),
        # every root field must be unique; a root that is not a kind is not
        (f'query {{ a: BuiltinTag(name__value: "red") {{ {NODE} }} b: BuiltinTag {{ {NODE} }} }}', False),
        (f'query {{ BuiltinTag(name__value: "red") {{ {NODE} }} __typename }}', True),
        (f'query {{ BuiltinTag(name__value: "red") {{ {NODE} }} InfrahubInfo {{ version }} }}', False),
        (f'query {{ ...Tag }} fragment Tag on Query {{ BuiltinTag(name__value: "red") {{ {NODE} }} }}', True),
        ('mutation { BuiltinTagCreate(data: {name: {value: "x"}}) { ok } }', False),
    ],
)
def test_which_queries_target_unique_nodes(query: str, expected: bool) -> None:
    assert targets_unique_nodes(query, _schema()) is expected


def test_a_query_that_does_not_parse_is_refused_naming_the_argument() -> None:
    with pytest.raises(ValidationFailed) as refused:
        targets_unique_nodes("query { BuiltinTag( }", _schema())
    assert refused.value.details["field"] == "query"
    assert "not a GraphQL document" in str(refused.value)
