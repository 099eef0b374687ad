"""Splitting a bulk mutation document into parts graphql-core can execute."""

from __future__ import annotations

from graphql import OperationDefinitionNode, parse, print_ast

from strata_api.bulk import ok_only_answer, selects_object, split_document


def test_parts_keep_order_fragments_and_only_their_variables() -> None:
    fields = " ".join(f'c{i}: TagCreate(data: {{name: {{value: "t{i}"}}}}) {{ ...out }}' for i in range(449))
    document = parse(
        "mutation Many($last: String!) { %s last: TagCreate(data: {name: {value: $last}}) { ...out } }"
        " fragment out on TagCreate { ok }" % fields
    )
    parts = split_document(document, 200)
    operations = [next(d for d in p.definitions if isinstance(d, OperationDefinitionNode)) for p in parts]
    sizes = [len(op.selection_set.selections) for op in operations]
    assert sizes == [200, 200, 50]
    aliases = [s.alias.value for op in operations for s in op.selection_set.selections]  # type: ignore[attr-defined]
    assert aliases == [f"c{i}" for i in range(449)] + ["last"]
    assert [len(op.variable_definitions or ()) for op in operations] == [0, 0, 1]
    assert all("fragment out on TagCreate" in print_ast(p) for p in parts)


def test_small_documents_are_not_split() -> None:
    document = parse('mutation { a: TagCreate(data: {name: {value: "x"}}) { ok } }')
    assert split_document(document, 200) == [document]


def test_created_objects_are_read_back_only_when_a_create_asks_for_them() -> None:
    def selects(text: str) -> bool:
        return selects_object(parse(text))

    assert not selects('mutation { a: TagCreate(data: {name: {value: "x"}}) { ok } b: TagCreate(data: {}) { ok } }')
    assert selects('mutation { a: TagCreate(data: {}) { ok } b: TagCreate(data: {}) { ok object { id } } }')
    assert selects("mutation { a: TagCreate(data: {}) { ...out } } fragment out on TagCreate { ok }")
    assert selects("mutation { a: TagCreate(data: {}) { ... on TagCreate { object { id } } } }")


def test_a_document_of_ok_alone_is_answered_without_executing_it_again() -> None:
    def answer(text: str) -> object:
        return ok_only_answer(parse(text))

    assert answer('mutation { a: TagCreate(data: {name: {value: "x"}}) { ok } TagCreate(data: {}) { done: ok ok } }') == {
        "a": {"ok": True}, "TagCreate": {"done": True, "ok": True},
    }  # fmt: skip
    assert answer("mutation { a: TagCreate(data: {}) { ok } b: TagCreate(data: {}) { ok object { id } } }") is None
    assert answer("mutation { a: TagCreate(data: {}) { ok __typename } }") is None
    assert answer("mutation { a: TagCreate(data: {}) { ...out } } fragment out on TagCreate { ok }") is None
    assert answer("mutation { a: TagCreate(data: {}) { ok @skip(if: true) } }") is None
    assert answer("mutation { a: TagCreate(data: {}) @include(if: false) { ok } }") is None
