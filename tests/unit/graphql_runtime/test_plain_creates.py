"""Plain bulk create documents read without an AST: what is read is what graphql-core reads.

graphql-core is the oracle: for generated documents (valid and invalid literals, formatted
every way GraphQL allows), whenever the plain reader and coercion accept a document, graphql-core
parses and validates it and `get_argument_values` gives the same arguments, to the type and the
order of their keys; whatever graphql-core refuses, the plain path refuses.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from graphql import GraphQLError, GraphQLObjectType, build_schema, get_argument_values, parse, validate
from graphql.error import GraphQLSyntaxError
from graphql.language import FieldNode, OperationDefinitionNode
from hypothesis import given, settings
from hypothesis import strategies as st

from strata_graphql.limits import VALIDATION_RULES
from strata_graphql.runtime.plain_coercion import NotCoercible, coerce_plain_arguments
from strata_graphql.runtime.plain_creates import read_plain_creates
from strata_graphql.sdl.scalars import bind_scalars

_SCHEMA = bind_scalars(build_schema("""
scalar GenericScalar
scalar BigInt
enum Colour { RED BLUE }
input Peer { id: String, hfid: [String] }
input Text { value: String, is_protected: Boolean, source: String }
input Number { value: Int }
input Ratio { value: Float }
input Big { value: BigInt }
input Anything { value: GenericScalar }
input Ident { value: ID }
input Data {
  id: String, name: Text!, mtu: Number, ratio: Ratio, big: Big, any: Anything, ident: Ident,
  tags: [Peer!], device: Peer, colour: Colour, flag: Boolean = true, size: Int = 5, nested: Data
}
type Payload { ok: Boolean, name: String }
type Query { ok: Boolean }
type Mutation { ThingCreate(data: Data!, context: String = "x"): Payload, OtherCreate(data: Text): Payload }
"""))

def _mutation_type() -> GraphQLObjectType:
    mutation = _SCHEMA.mutation_type
    assert mutation is not None
    return mutation


_MUTATION = _mutation_type()

_GAPS = st.sampled_from([" ", ",", "\n", " , ", "\t", "\r\n", "  #note \"q\" {\n", ",,", "\ufeff"])
_NAMES = st.sampled_from(["value", "id", "hfid", "is_protected", "source", "unknown", "true", "RED"])


def _string_text(text: str, style: int) -> str:
    if style == 0:
        return json.dumps(text)  # \uXXXX escapes for all but ASCII: outside the plain subset
    if style == 1:
        return json.dumps(text, ensure_ascii=False)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'  # raw control characters


def _mostly(usual: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`usual` three times in four: most generated documents should be valid."""
    return st.one_of(usual, usual, usual, odd)


_STRINGS = st.builds(_string_text, st.text(max_size=8), st.sampled_from([0, 1, 1, 1, 2]))
_INTS = _mostly(
    st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**70), 2**70)).map(str),
    st.sampled_from(["-0", "007", "1500abc", "0", "-", "2147483648"]),
)
_FLOATS = _mostly(
    st.floats(allow_nan=False, allow_infinity=False).map(repr), st.sampled_from(["1.0", "1e3", "-0.0", "1.", "1e400", ".5"])
)
_WORDS = st.sampled_from(["true", "false", "null", "RED", "BLUE", "GREEN", '"""block"""', "$var", "[]", "{}"])
_BOOLEANS = _mostly(st.sampled_from(["true", "false", "null"]), _WORDS)
_SCALARS = st.one_of(_STRINGS, _INTS, _FLOATS, _WORDS)


@st.composite
def _values(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.integers(0, 3 if depth < 2 else 1))
    if kind <= 1:
        return draw(_SCALARS)
    gap = draw(_GAPS)
    if kind == 2:
        return "[" + gap.join(draw(st.lists(_values(depth + 1), max_size=3))) + "]"
    fields = draw(st.lists(st.tuples(_NAMES, _values(depth + 1)), max_size=3))
    return "{" + gap.join(f"{k}:{gap}{v}" for k, v in fields) + "}"


def _attribute(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return _mostly(inner.map(lambda v: "{value: " + v + "}"), _values())


_DATA_FIELDS = {
    "id": _STRINGS, "name": _attribute(_STRINGS), "mtu": _attribute(_INTS), "ratio": _attribute(_FLOATS),
    "big": _attribute(_INTS), "any": _attribute(_values()), "ident": _attribute(st.one_of(_STRINGS, _INTS)),
    "tags": st.lists(_STRINGS.map(lambda s: "{id: " + s + "}"), max_size=3).map(lambda t: "[" + " ".join(t) + "]"),
    "device": _STRINGS.map(lambda s: "{id: " + s + "}"), "colour": _WORDS, "flag": _BOOLEANS, "size": _INTS,
    "unknown": _SCALARS, "nested": _mostly(st.just('{name: {value: "n"}, mtu: {value: 1}}'), _values()),
}  # fmt: skip


@st.composite
def _data(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(sorted(_DATA_FIELDS)), max_size=5, unique=draw(st.integers(0, 9)) > 0))
    if draw(st.integers(0, 9)):
        keys = ["name", *keys]  # mandatory: most documents should be valid
    gap = draw(_GAPS)
    return "{" + gap.join(f"{k}:{gap}{draw(_DATA_FIELDS[k])}" for k in keys) + "}"


@st.composite
def _documents(draw: st.DrawFn) -> str:
    gap = draw(_GAPS)
    fields = []
    for i in range(draw(st.integers(1, 3))):
        field = draw(st.sampled_from(["ThingCreate", "OtherCreate"]))
        argument = f"data:{gap}{draw(_data())}" if field == "ThingCreate" else f'data: {{value: {draw(_STRINGS)}}}'
        if field == "ThingCreate" and draw(st.integers(0, 5)) == 0:
            argument += f'{gap}context: {draw(_SCALARS)}'
        fields.append(f"c{i}{gap}:{gap}{field}({argument}){gap}{{{gap}ok{gap}}}")
    name = draw(st.sampled_from(["", " Named", " Named "]))
    return f"mutation{name}{gap}{{{gap}" + gap.join(fields) + f"{gap}}}"


def _graphql_core(text: str) -> list[dict[str, Any]] | None:
    """graphql-core's arguments for each root field, or None when it refuses the document."""
    try:
        document = parse(text)
    except GraphQLSyntaxError:
        return None
    if validate(_SCHEMA, document, VALIDATION_RULES):
        return None
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    fields = [f for f in operation.selection_set.selections if isinstance(f, FieldNode)]
    try:
        return [get_argument_values(_MUTATION.fields[f.name.value], f) for f in fields]
    except GraphQLError:
        return None


def _plain(text: str) -> list[dict[str, Any]] | None:
    document = read_plain_creates(text)
    if document is None:
        return None
    try:
        return [coerce_plain_arguments(_MUTATION.fields[c.field], c.arguments) for c in document.creates]
    except NotCoercible:
        return None


@settings(max_examples=600, deadline=None)
@given(_documents())
def test_the_plain_path_accepts_only_what_graphql_core_accepts_and_reads_it_the_same(text: str) -> None:
    plain = _plain(text)
    expected = _graphql_core(text)
    if plain is not None:
        assert expected is not None, "accepted a document graphql-core refuses"
        assert msgspec.json.encode(plain) == msgspec.json.encode(expected)  # 1500 is not 1500.0


def test_common_documents_are_plain() -> None:
    text = """mutation Import {
      a: ThingCreate(data: {id: "x-1", name: {value: "eth\\t\\"0\\""}, mtu: {value: 1500}, ratio: {value: 2},
                            big: {value: 9007199254740993}, any: {value: {deep: [1, 2.5, "x", null, true]}},
                            ident: {value: 42}, tags: [{id: "t1"}, {hfid: ["a", "b"]}], device: {id: "d"}}) { ok }
      # a comment, and commas where GraphQL ignores them
      b: ThingCreate(data: {name: {value: "é😀"} nested: {name: {value: ""}}},,) { ok }
      OtherCreate(data: {value: null}) { ok }
    }"""
    plain = _plain(text)
    assert plain is not None
    assert msgspec.json.encode(plain) == msgspec.json.encode(_graphql_core(text))
    assert plain[0]["data"]["ratio"] == {"value": 2.0} and isinstance(plain[0]["data"]["ratio"]["value"], float)
    assert plain[0]["data"]["ident"] == {"value": "42"}
    assert plain[1]["data"]["flag"] is True and plain[1]["data"]["size"] == 5  # defaults, as graphql-core gives them
    document = read_plain_creates(text)
    assert document is not None and document.operation_name == "Import"
    assert [c.response_name for c in document.creates] == ["a", "b", "OtherCreate"]


@pytest.mark.parametrize("text", [
    'mutation { a: ThingCreate(data: $data) { ok } }',  # a variable
    'mutation { a: ThingCreate(data: {name: {value: "x"}, colour: RED}) { ok } }',  # an enum value
    'mutation { a: ThingCreate(data: {name: {value: "x"}, device: {hfid: ["""a"""]}}) { ok } }',  # a block string
    'mutation { a: ThingCreate(data: {name: {value: "\\u0041"}}) { ok } }',  # a unicode escape
    'mutation { a: ThingCreate(data: {name: {value: "a\nb"}}) { ok } }',  # a line break in a string
    'mutation { a: ThingCreate(data: {name: {value: "a\x01b"}}) { ok } }',  # a control character
    'mutation { a: ThingCreate(data: {name: {value: "x"}, name: {value: "y"}}) { ok } }',  # a key twice
    'mutation { a: ThingCreate(data: {name: {value: "x"}}) { ok name } }',  # more than ok
    'mutation { a: ThingCreate(data: {name: {value: "x"}}) @skip(if: true) { ok } }',  # a directive
    'mutation { ...F } fragment F on Mutation { ThingCreate(data: {name: {value: "x"}}) { ok } }',
    'mutation { a: ThingCreate(data: {name: {value: "x"}}) { ok } } query { ok }',  # two operations
    'query { a: ThingCreate(data: {name: {value: "x"}}) { ok } }',
    'mutation { a: ThingCreate() { ok } }',  # empty arguments: a syntax error
    'mutation { a: ThingCreate(data: {name: {value: "x"}, size: 1500flag: true}) { ok } }',  # a number runs into a name
    'mutation { a: ThingCreate(data: {name: {value: "x"}, size: -0}) { ok } }',  # an ID would keep "-0"
    'mutation { a: ThingCreate(data: {name: {value: "x"}}) { ok }',  # unclosed
])  # fmt: skip
def test_what_is_not_plain_is_left_to_the_general_path(text: str) -> None:
    assert read_plain_creates(text) is None


@pytest.mark.parametrize("data", [
    '{name: {value: 1}}', '{mtu: {value: 1}}', '{name: {value: "x"}, mtu: {value: 1.0}}',
    '{name: {value: "x"}, mtu: {value: 2147483648}}', '{name: {value: "x"}, big: {value: "12"}}',
    '{name: {value: "x"}, ident: {value: 1.5}}', '{name: {value: "x"}, unknown: 1}', '{name: null}',
    '{name: {value: "x"}, tags: [null]}', '{name: {value: "x"}, flag: 1}',
])  # fmt: skip
def test_values_graphql_core_refuses_are_not_coercible(data: str) -> None:
    text = f"mutation {{ a: ThingCreate(data: {data}) {{ ok }} }}"
    assert _graphql_core(text) is None
    document = read_plain_creates(text)
    assert document is not None
    with pytest.raises(NotCoercible):
        coerce_plain_arguments(_MUTATION.fields["ThingCreate"], document.creates[0].arguments)
