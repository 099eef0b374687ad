"""Coercing the Python values `plain_creates` read to a field's argument types, exactly as
graphql-core coerces the same literals (`get_argument_values`), without building their AST.

Containers follow graphql-core's literal coercion step for step (non-null, lists of one,
input objects with their defaults, in the order of their fields); the common scalars are
checked by the kind of literal they accept, and any other scalar is given a literal node and
coerced by graphql-core itself. Whatever graphql-core would refuse raises `NotCoercible`, and
the caller takes the general path, which reports it; so this never accepts what validation
refuses (tested against graphql-core).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    BooleanValueNode,
    FloatValueNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLString,
    IntValueNode,
    ListValueNode,
    NameNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    StringValueNode,
    Undefined,
    ValueNode,
    is_required_argument,
    is_required_input_field,
)
from graphql.utilities.coerce_input_value import coerce_default_value, coerce_input_literal

__all__ = ["NotCoercible", "coerce_plain_arguments"]

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class NotCoercible(Exception):
    """graphql-core would refuse the value (or this module does not follow it there)."""


def coerce_plain_arguments(field: GraphQLField, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """`arguments` (literal values read by `plain_creates`) coerced as `get_argument_values`
    coerces the same literals of a field node."""
    return _coerce_fields(arguments, field.args, is_required_argument)


def _coerce_fields(
    given: Mapping[str, Any], definitions: Mapping[str, Any], is_required: Callable[[Any], bool]
) -> dict[str, Any]:
    """`given` coerced to the arguments or input fields `definitions`, in their order: an
    unknown name or a missing required one refuses, a missing one takes its default."""
    if any(name not in definitions for name in given):
        raise NotCoercible
    coerced: dict[str, Any] = {}
    for name, definition in definitions.items():
        out_name = definition.out_name or name
        if name in given:
            coerced[out_name] = _coerce(given[name], definition.type)
            continue
        if is_required(definition):
            raise NotCoercible
        default = _default(definition)
        if default is not Undefined:
            coerced[out_name] = default
    return coerced


def _coerce(value: Any, type_: GraphQLInputType) -> Any:
    if isinstance(type_, GraphQLNonNull):
        if value is None:
            raise NotCoercible
        type_ = type_.of_type
    elif value is None:
        return None
    if isinstance(type_, GraphQLList):
        item_type = type_.of_type
        if isinstance(value, list):
            return [_coerce(item, item_type) for item in value]
        return [_coerce(value, item_type)]  # a list of one
    if isinstance(type_, GraphQLInputObjectType):
        return _coerce_object(value, type_)
    if isinstance(type_, GraphQLScalarType):
        by_kind = _BY_LITERAL_KIND.get(type_)
        return by_kind(value) if by_kind is not None else _by_graphql_core(value, type_)
    raise NotCoercible  # an enum: its values are names, which plain documents do not hold


def _coerce_object(value: Any, type_: GraphQLInputObjectType) -> Any:
    if not isinstance(value, dict) or type_.is_one_of:
        raise NotCoercible
    return type_.out_type(_coerce_fields(value, type_.fields, is_required_input_field))


def _default(definition: Any) -> Any:
    try:
        return coerce_default_value(definition)
    except TypeError as exc:  # an invalid default: graphql-core reports it
        raise NotCoercible from exc


def _string(value: Any) -> str:
    if type(value) is not str:
        raise NotCoercible
    return value


def _boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise NotCoercible
    return value


def _int(value: Any) -> int:
    if type(value) is not int or not _INT_MIN <= value <= _INT_MAX:
        raise NotCoercible
    return value


def _id(value: Any) -> str:
    if type(value) is str:
        return value
    if type(value) is int:  # an Int literal's text (`plain_creates` refuses `-0`)
        return str(value)
    raise NotCoercible


# The literal kinds each of the common scalars accepts (graphql-core's parse_*_literal); the
# plain reader gives a String literal as str, an Int as int, a Float as float, a Boolean as bool.
_BY_LITERAL_KIND: dict[GraphQLScalarType, Callable[[Any], Any]] = {
    GraphQLString: _string, GraphQLBoolean: _boolean, GraphQLInt: _int, GraphQLID: _id,
}  # fmt: skip


def _by_graphql_core(value: Any, type_: GraphQLScalarType) -> Any:
    coerced = coerce_input_literal(_literal(value), type_)
    if coerced is Undefined:
        raise NotCoercible
    return coerced


def _literal(value: Any) -> ValueNode:
    """The literal node the plain reader read `value` from (up to an Int's text, see `_id`)."""
    if value is None:
        return NullValueNode()
    if isinstance(value, bool):
        return BooleanValueNode(value=value)
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    if isinstance(value, float):
        return FloatValueNode(value=repr(value))
    if isinstance(value, str):
        return StringValueNode(value=value)
    if isinstance(value, list):
        return ListValueNode(values=tuple(_literal(item) for item in value))
    return ObjectValueNode(fields=tuple(
        ObjectFieldNode(name=NameNode(value=key), value=_literal(item)) for key, item in value.items()
    ))  # fmt: skip
