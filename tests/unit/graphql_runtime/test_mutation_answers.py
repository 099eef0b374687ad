"""Whether a mutation's answer needs its object read back from the graph."""

from __future__ import annotations

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse

from strata_graphql.runtime.resolvers import may_read_object


def _root_field(text: str) -> FieldNode:
    operation = parse(text).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    return field


@pytest.mark.parametrize(("selection", "reads"), [
    ("{ ok }", False),
    ("{ ok object { id } }", False),  # what the SDK's save asks: the mutation knows the id
    ("{ ok object { key: id } }", False),
    ("{ object { id display_label } }", True),
    ("{ ok object { name { value } } }", True),
    ("{ ok object { ... on TestingPerson { id } } }", True),
    ("{ ok ... on TestingPersonCreate { ok } }", True),  # a fragment may read anything
    ("{ ok node { id } }", True),  # a pool's node: its kind and label are read
])  # fmt: skip
def test_only_a_selection_beyond_the_objects_id_reads_it_back(selection: str, reads: bool) -> None:
    assert may_read_object([_root_field(f'mutation {{ TestingPersonCreate(data: {{name: {{value: "x"}}}}) {selection} }}')]) is reads
