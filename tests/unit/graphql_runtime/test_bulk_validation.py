"""Validating a bulk document by one representative per shape of root field."""

from __future__ import annotations

import json

from graphql import build_schema, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from strata_graphql.limits import MAX_FIELDS
from strata_graphql.runtime.bulk_parsing import parse_bulk
from strata_graphql.runtime.bulk_validation import validate_by_representatives, validate_whole
from strata_graphql.runtime.literal_shapes import literal_shape

_SCHEMA = build_schema("""
type Query { ok: Boolean }
enum Colour { RED BLUE }
input Value { value: String, size: Int, colour: Colour }
type Created { ok: Boolean, name: String }
type Mutation { TagCreate(data: Value!): Created }
""")


def _field(alias: str, value: str, size: str, colour: str = "RED", selection: str = "ok") -> str:
    return f"{alias}: TagCreate(data: {{value: {value}, size: {size}, colour: {colour}}}) {{ {selection} }}"


def _messages(text: str, *, whole: bool = False) -> list[str]:
    if whole:
        return sorted(e.message for e in validate_whole(_SCHEMA, parse(text)))
    parsed = parse_bulk(text)
    return sorted(e.message for e in validate_by_representatives(_SCHEMA, parsed.document, text, parsed.root_spans))


def test_shapes_differ_by_literal_kind_not_value() -> None:
    assert literal_shape('TagCreate(data: {value: "a", size: 1})') == literal_shape('TagCreate(data: {value: "b\\"q", size: -20})')
    assert literal_shape('TagCreate(data: {value: "a"})') != literal_shape("TagCreate(data: {value: 1})")
    assert literal_shape("T(data: {colour: RED})") != literal_shape("T(data: {colour: BLUE})")  # enums are names
    assert literal_shape('T(a: "x") # "quoted" 12') == literal_shape('T(a: "y") # "quoted" 12')
    assert literal_shape("T(a: $v)") != literal_shape("T(a: $w)")  # variables: the text is its own shape


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=6), st.integers(-(2**40), 2**40), st.sampled_from(["RED", "BLUE", "GREEN", "null"])), min_size=2, max_size=8))
def test_errors_are_the_whole_documents_except_literal_values(fields: list[tuple[str, int, str]]) -> None:
    text = "mutation { " + " ".join(_field(f"c{i}", json.dumps(v), str(n), c) for i, (v, n, c) in enumerate(fields)) + " }"
    whole = _messages(text, whole=True)
    by_representatives = _messages(text)
    assert set(by_representatives) <= set(whole)
    if all(-(2**31) <= n < 2**31 for _, n, _ in fields):  # what only literal values break is left to coercion
        assert set(by_representatives) == set(whole)


def test_a_field_of_another_shape_is_validated() -> None:
    text = "mutation { " + " ".join(_field(f"c{i}", f'"v{i}"', str(i)) for i in range(50))
    text += " " + _field("odd", '"x"', '"not a number"') + " " + _field("bad", '"y"', "1", selection="nope") + " }"
    messages = _messages(text)
    assert any("Int cannot represent" in m for m in messages)
    assert any("Cannot query field 'nope'" in m for m in messages)


def test_a_response_name_used_twice_is_validated_whole() -> None:
    text = "mutation { " + _field("a", '"x"', "1") + " " + _field("a", '"y"', "1") + " }"
    assert _messages(text) == _messages(text, whole=True) != []


def test_the_limits_count_every_field() -> None:
    count = MAX_FIELDS // 2 + 1  # two fields each: the representatives alone are far under the limit
    text = "mutation { " + " ".join(_field(f"c{i}", '"v"', "1", selection="ok name") for i in range(count)) + " }"
    assert any("selects" in m and "limit" in m for m in _messages(text))
