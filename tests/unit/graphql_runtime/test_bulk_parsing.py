"""Parsing a large bulk document without locations, and locating its errors afterwards."""

from __future__ import annotations

import gc

import pytest
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse
from graphql.error import GraphQLSyntaxError
from graphql.language import Token

from strata_graphql.runtime.bulk_parsing import locate_errors, parse_bulk

_DOCUMENT = """mutation Load {
  c0: TagCreate(data: {name: {value: "a"}, size: {value: 1}}) { ok }
  c1 # a comment with a colon: and a Name
     : TagCreate(data: {name: {value: "b"}}) { ok object { id } }
  PersonCreate(data: {name: {value: "c"}}) { ...answer }
}
fragment answer on PersonCreated { ok object { id name { value } } }
"""


def _root_fields(document: object) -> list[FieldNode]:
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))  # type: ignore[attr-defined]
    return [f for f in operation.selection_set.selections if isinstance(f, FieldNode)]


def test_the_document_is_the_one_graphql_core_parses_without_locations() -> None:
    assert parse_bulk(_DOCUMENT).document == parse(_DOCUMENT, no_location=True)


def test_no_token_outlives_the_parse() -> None:
    gc.collect()
    gc.disable()
    try:
        before = {id(o) for o in gc.get_objects() if isinstance(o, Token)}  # other documents' (cached, located)
        parsed = parse_bulk(_DOCUMENT + "".join(f"fragment f{i} on X {{ a b c }}\n" for i in range(50)))
        alive = [o for o in gc.get_objects() if isinstance(o, Token) and id(o) not in before]
    finally:
        gc.enable()
    assert parsed.document.definitions
    assert alive == [], f"{len(alive)} tokens kept (a linked chain is freed by the cyclic collector alone)"


def test_root_spans_run_from_each_field_name_to_its_end() -> None:
    parsed = parse_bulk(_DOCUMENT)
    located = _root_fields(parse(_DOCUMENT))
    for field, with_location in zip(_root_fields(parsed.document), located, strict=True):
        assert with_location.loc is not None and with_location.name.loc is not None
        expected = (with_location.name.loc.start, with_location.loc.end)
        assert parsed.root_spans[id(field)] == expected, _DOCUMENT[expected[0] : expected[1]]
    assert len(parsed.root_spans) == 3 + 2  # and the fragment's own fields, which nothing looks up


def test_a_syntax_error_is_raised_as_graphql_core_raises_it() -> None:
    broken = "mutation { c0: TagCreate(data: {name: }) { ok } }"
    with pytest.raises(GraphQLSyntaxError) as by_graphql_core:
        parse(broken)
    with pytest.raises(GraphQLSyntaxError) as by_bulk:
        parse_bulk(broken)
    assert str(by_bulk.value) == str(by_graphql_core.value) and "Unexpected '}'" in str(by_bulk.value)


def test_errors_get_the_location_of_their_root_field() -> None:
    parsed = parse_bulk(_DOCUMENT)
    unlocated = GraphQLError("The name b is taken", nodes=[_root_fields(parsed.document)[1]], path=["c1", "object"])
    assert unlocated.locations is None
    elsewhere = GraphQLError("kept", path=["nowhere"])
    located_already = GraphQLError("kept too", nodes=[_root_fields(parse(_DOCUMENT))[0]], path=["c0"])
    answered = locate_errors([unlocated, elsewhere, located_already], parse(_DOCUMENT))
    assert [e.message for e in answered] == ["The name b is taken", "kept", "kept too"]
    assert answered[0].path == ["c1", "object"]
    assert answered[0].locations is not None and [(loc.line, loc.column) for loc in answered[0].locations] == [(3, 3)]
    assert answered[1].locations is None
    assert answered[2] is located_already
