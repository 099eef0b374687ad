"""Value completion compiled per field: what graphql-core decides for every value from the
field's type (non-null checks, lists, scalar serialization, object projection) decided once,
as a chain of small closures kept on the field's plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
)

from strata_graphql.runtime.resolvers import resolve_type
from strata_graphql.runtime.selection_plan import SelectionPlan

__all__ = ["Completion", "GiveUp", "Projector", "compile_completion"]


class GiveUp(Exception):
    """The result would differ from graphql-core's (an error or a coercion to report)."""


class Projector(Protocol):
    schema: GraphQLSchema

    def project(self, parent: Any, selection: SelectionPlan, object_type: GraphQLObjectType) -> dict[str, Any]: ...


Completion = Callable[[Any, Projector], Any]



def _exact(scalar: GraphQLScalarType) -> Callable[[Any], bool] | None:
    """Values a built-in scalar serializes to themselves (the common case, checked cheaply)."""
    if scalar is GraphQLString or scalar is GraphQLID:
        return lambda v: type(v) is str
    if scalar is GraphQLInt:
        return lambda v: type(v) is int and GRAPHQL_MIN_INT <= v <= GRAPHQL_MAX_INT
    if scalar is GraphQLBoolean:
        return lambda v: type(v) is bool
    if scalar is GraphQLFloat:
        return lambda v: type(v) is float and math.isfinite(v)
    return None


def compile_completion(type_: GraphQLOutputType, key: str, sub: SelectionPlan | None) -> Completion:
    if isinstance(type_, GraphQLNonNull):
        inner = compile_completion(type_.of_type, key, sub)

        def non_null(value: Any, run: Projector) -> Any:
            completed = inner(value, run)
            if completed is None:
                raise GiveUp(f"null in non-null field {key}")
            return completed

        return non_null
    if isinstance(type_, GraphQLList):
        item = compile_completion(type_.of_type, key, sub)

        def listed(value: Any, run: Projector) -> Any:
            if value is None:
                return None
            if not isinstance(value, (list, tuple)):
                raise GiveUp(f"{key}: a list was expected")
            return [item(v, run) for v in value]

        return listed
    if isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
        serialize = type_.serialize
        exact = _exact(type_) if isinstance(type_, GraphQLScalarType) else None
        name = type_.name

        def leaf(value: Any, run: Projector) -> Any:
            if value is None:
                return None
            if exact is not None and exact(value):
                return value
            serialized = serialize(value)
            if serialized is None or serialized is Undefined:
                raise GiveUp(f"{key}: {name} cannot serialize {value!r}")
            return serialized

        return leaf
    if sub is None:
        raise GiveUp(f"{key}: no selection")
    selection = sub
    if isinstance(type_, GraphQLObjectType):
        object_type = type_

        def obj(value: Any, run: Projector) -> Any:
            return None if value is None else run.project(value, selection, object_type)

        return obj
    abstract = type_

    def resolved(value: Any, run: Projector) -> Any:
        if value is None:
            return None
        name = resolve_type(value, None, None)
        runtime = run.schema.get_type(name) if name else None
        if not isinstance(runtime, GraphQLObjectType) or not run.schema.is_sub_type(abstract, runtime):
            raise GiveUp(f"{key}: no concrete type for {name!r}")
        return run.project(value, selection, runtime)

    return resolved
