"""A document that differs from a valid one only inside its string literals is not validated
again, and gets exactly the errors a full validation gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema, validate
from hypothesis import given, settings
from hypothesis import strategies as st

from strata_graphql.limits import VALIDATION_RULES
from strata_graphql.runtime import documents
from strata_graphql.runtime.documents import DocumentCache, string_blind_shape
from strata_graphql.sdl.scalars import bind_scalars

_SDL = """
scalar BigInt
scalar DateTime
type Query { ok: Boolean }
type Mutation {
  Make(name: String, count: Int, size: BigInt, at: DateTime, ref: ID): Boolean
}
"""


def _schema() -> GraphQLSchema:
    return bind_scalars(build_schema(_SDL))


def _literal(text: str) -> str:
    return json.dumps(text)  # a JSON string is a GraphQL string literal


def test_the_shape_blanks_string_literals_and_nothing_else() -> None:
    query = 'mutation { Make(name: "a \\" # b", ref: "x") } # note "quoted'
    assert string_blind_shape(query) == 'mutation { Make(name: "", ref: "") } # note "quoted'
    assert string_blind_shape('mutation { Make(count: 12) }') == 'mutation { Make(count: 12) }'
    assert string_blind_shape('mutation { Make(name: """block""") }') is None


def test_a_document_of_a_known_valid_shape_is_not_validated_again(monkeypatch: pytest.MonkeyPatch) -> None:
    schema, cache = _schema(), DocumentCache()
    calls: list[str] = []
    real = validate  # the module calls graphql-core's, imported under the same name

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append("v")
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "validate", counted)
    for i in range(3):
        prepared = cache.prepare(schema, "h", 'mutation { Make(name: "n-%d", at: "2026-01-0%d") }' % (i, i + 1), None)
        assert prepared.errors == [] and prepared.document is not None
    assert calls == ["v"]
    cache.prepare(schema, "h", 'mutation { Make(name: "n", count: 3) }', None)  # another shape
    assert calls == ["v", "v"]


_TEXT = st.text(st.characters(codec="utf-8"), max_size=20)


@settings(max_examples=200, deadline=None)
@given(first=_TEXT, second=_TEXT, argument=st.sampled_from(["name", "count", "size", "at", "ref"]))
def test_a_cached_shape_gives_the_errors_of_a_full_validation(first: str, second: str, argument: str) -> None:
    schema, cache = _schema(), DocumentCache()
    template = "mutation { Make(%s: %%s) }" % argument
    cache.prepare(schema, "h", template % _literal(first), None)
    again = cache.prepare(schema, "h", template % _literal(second), None)
    full = validate(schema, again.document, VALIDATION_RULES) if again.document is not None else None
    assert full is not None
    assert [e.message for e in again.errors] == [e.message for e in full]


def test_a_scalar_that_reads_string_content_turns_shapes_off() -> None:
    schema = _schema()
    date_time = schema.type_map["DateTime"]

    def parse_date(value: object) -> object:
        if not (isinstance(value, str) and value[:4].isdigit()):
            raise ValueError("not a date")
        return value

    date_time.coerce_input_value = parse_date  # type: ignore[attr-defined]  # bound as bind_scalars does
    cache = DocumentCache()
    assert cache.prepare(schema, "h", 'mutation { Make(at: "2026-01-01") }', None).errors == []
    refused = cache.prepare(schema, "h", 'mutation { Make(at: "soon") }', None)
    assert refused.errors and "not a date" in refused.errors[0].message
