"""Writing SDL text: type blocks, fields with arguments, descriptions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graphql.language.print_string import print_string

__all__ = ["Arg", "args", "block", "field"]

Arg = tuple[str, str]
"""An argument or input field: `(name, GraphQL type)`."""

_INDENT = "  "


def args(arguments: Iterable[Arg]) -> str:
    """`(a: T, b: U)`, or nothing when there are no arguments. Later duplicates replace earlier ones."""
    unique = dict(arguments)
    if not unique:
        return ""
    return "(" + ", ".join(f"{name}: {kind}" for name, kind in unique.items()) + ")"


def field(name: str, type_: str, arguments: Iterable[Arg] = (), description: str | None = None) -> str:
    """One field line, with its description above it if it has one."""
    line = f"{_INDENT}{name}{args(arguments)}: {type_}"
    if description:
        return f"{_INDENT}{print_string(description)}\n{line}"
    return line


def block(
    keyword: str,
    name: str,
    fields: Sequence[str],
    *,
    implements: Sequence[str] = (),
    description: str | None = None,
) -> str:
    """A `type`, `interface`, `input` or `extend type` definition."""
    head = f"{keyword} {name}"
    if implements:
        head += " implements " + " & ".join(implements)
    text = "\n".join((head + " {", *fields, "}"))
    if description:
        return f"{print_string(description)}\n{text}"
    return text
