"""Depth and size limits of GraphQL documents (strata_graphql.limits)."""

from __future__ import annotations

from graphql import build_schema, get_introspection_query, parse, validate

from strata_graphql.limits import MAX_DEPTH, VALIDATION_RULES

SCHEMA = build_schema("type Node { id: ID, child: Node, name: String } type Query { node: Node }")


def _codes(query: str) -> list[str]:
    errors = validate(SCHEMA, parse(query), VALIDATION_RULES)
    return [str((e.extensions or {}).get("code", e.message)) for e in errors]


def _nested(depth: int) -> str:
    return "{ node " + "{ child " * (depth - 2) + "{ id }" + " }" * (depth - 2) + " }"


def test_introspection_and_ordinary_queries_pass() -> None:
    assert _codes(get_introspection_query(descriptions=True)) == []
    assert _codes(_nested(MAX_DEPTH)) == []


def test_a_query_one_level_too_deep_is_refused_naming_depth_and_limit() -> None:
    errors = validate(SCHEMA, parse(_nested(MAX_DEPTH + 1)), VALIDATION_RULES)
    assert [e.extensions["code"] for e in errors if e.extensions] == ["query.too_deep"]
    assert f"{MAX_DEPTH + 1} levels deep; the limit is {MAX_DEPTH}" in errors[0].message


def test_fragments_count_as_deep_as_they_expand() -> None:
    deep = "{ child " * (MAX_DEPTH - 1) + "{ id }" + " }" * (MAX_DEPTH - 1)
    query = "query Q { node { ...A } } fragment A on Node { child { ...B } } fragment B on Node " + deep
    assert "query.too_deep" in _codes(query)


def test_fragments_fanning_out_to_many_fields_are_refused() -> None:
    # each level spreads the one below ten times: 10^5 name fields from a few lines
    levels = ["fragment F0 on Node { name }"]
    for i in range(1, 6):
        spreads = " ".join(f"a{j}: child {{ ...F{i - 1} }}" for j in range(10))
        levels.append(f"fragment F{i} on Node {{ {spreads} }}")
    assert _codes("{ node { ...F5 } } " + " ".join(levels)) == ["query.too_complex"]


def test_a_fragment_cycle_is_reported_by_the_standard_rule_and_does_not_loop() -> None:
    codes = _codes("{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }")
    assert any("Cannot spread fragment" in c for c in codes)
