"""BigInt is 64-bit: wider values are refused at validation (strata_graphql.sdl.scalars)."""

from __future__ import annotations

from graphql import build_schema, graphql_sync

from strata_graphql.sdl.scalars import INT64_MAX, bind_scalars

SCHEMA = bind_scalars(build_schema("scalar BigInt type Query { echo(v: BigInt): BigInt }"))


def _echo(literal: str, variables: dict[str, object] | None = None) -> tuple[object, list[str]]:
    declared = "($x: BigInt)" if literal == "$x" else ""
    result = graphql_sync(SCHEMA, "query%s { echo(v: %s) }" % (declared, literal), root_value={"echo": lambda info, v=None: v},
                          variable_values=variables)  # fmt: skip
    return (result.data or {}).get("echo"), [e.message for e in result.errors or []]


def test_values_within_64_bits_pass_as_literals_and_variables() -> None:
    assert _echo(str(INT64_MAX)) == (INT64_MAX, [])
    assert _echo("$x", {"x": -(2**63)}) == (-(2**63), [])


def test_wider_values_and_non_integers_are_refused_with_the_range() -> None:
    _, errors = _echo(str(INT64_MAX + 1))
    assert errors and "64-bit range" in errors[0]
    _, errors = _echo("$x", {"x": 2**70})
    assert errors and "64-bit range" in errors[0]
    _, errors = _echo('"twelve"')
    assert errors
