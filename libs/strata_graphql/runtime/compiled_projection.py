"""One generated Python function per selection set and object type: an object's fields in order.

The planned executor completes a page of a thousand objects, each with its nested attribute,
relationship and peer objects: about ten thousand selection sets per request. Walking each
one field by field (a loop, a resolve call, a completion closure per leaf) was half the API's
time of a list. The function generated here does the same work in straight-line code: a
scalar field is read from the object and kept as it is when its type already says it is
valid (a `str` for String and ID, an `int` in range for Int, a `bool` for Boolean); anything
else goes through the field's completion closure and the executor's `resolve`, as before, so
the result is the same (the planned executor's property test compares it with graphql-core's).

The source is built from the plan only (response keys and field names enter as constants in
the function's namespace, never as code), so a document cannot inject code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLBoolean,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
)

from strata_graphql.runtime.completion import Completion
from strata_graphql.runtime.selection_plan import FieldPlan
from strata_graphql.runtime.field_values import LAZY_VALUES
from strata_graphql.runtime.shaping import NOT_AN_ATTRIBUTE, RelPeers, attribute_field_value

__all__ = ["FieldRunner", "Projection", "compile_projection"]

# values `resolve` turns into something else (relationships, and the lazy values: references,
# hfids, metadata, changes)
_SPECIAL = frozenset({RelPeers, *LAZY_VALUES})


class FieldRunner(Protocol):
    def resolve(self, parent: Any, field: FieldPlan) -> Any: ...

    def resolved(self, value: Any, field: FieldPlan) -> Any: ...

    def related(self, rel: RelPeers, field: FieldPlan, completion: Completion) -> Any: ...


Projection = Callable[[dict[str, Any], FieldRunner], dict[str, Any]]


def _exact_test(type_: GraphQLOutputType) -> str | None:
    """Python for "`v` is already this scalar's serialized value" (None: no cheap test)."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if type_ is GraphQLString or type_ is GraphQLID:
        return "type(v) is str"
    if type_ is GraphQLBoolean:
        return "type(v) is bool"
    if type_ is GraphQLInt:
        return "(type(v) is int and GRAPHQL_MIN_INT <= v <= GRAPHQL_MAX_INT)"
    return None


def _value_only(
    field: FieldPlan, completion_of: Callable[[FieldPlan], Completion], namespace: dict[str, Any], index: int
) -> str | None:
    """For a field whose sub-selection asks only `value` (and `__typename`) of an object type,
    as lists ask attributes: the Python building that sub-object from `v`, the attribute's
    value (`shaping.attribute_field_value`); None for any other field."""
    if field.sub is None or field.definition is None:
        return None
    type_ = field.definition.type
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if not isinstance(type_, GraphQLObjectType):
        return None
    sub_fields = field.sub.fields_for(type_)
    if not any(f.name == "value" for f in sub_fields) or any(f.name not in ("value", "__typename") for f in sub_fields):
        return None
    entries = []
    for position, sub in enumerate(sub_fields):
        key = f"k{index}_{position}"
        namespace[key] = sub.key
        if sub.definition is None:
            namespace[f"t{index}_{position}"] = type_.name
            entries.append(f"{key}: t{index}_{position}")
            continue
        completion = f"c{index}_{position}"
        namespace[completion] = completion_of(sub)
        test = _exact_test(sub.definition.type)
        entries.append(f"{key}: v if {test} else {completion}(v, run)" if test else f"{key}: {completion}(v, run)")
    return "{" + ", ".join(entries) + "}"


def _read_field(index: int) -> list[str]:
    """Python reading field `n{index}` of `parent` into `v`: `parent.get(name)`, without a
    Python call for a shaped object's `get`."""
    return ["    try:", f"        v = parent[n{index}]", "    except KeyError:", "        v = None"]


def compile_projection(
    object_type: GraphQLObjectType, fields: list[FieldPlan], completion_of: Callable[[FieldPlan], Completion]
) -> Projection:
    """The function `(parent, runner) -> dict` producing `fields` of a dict-like `parent`."""
    namespace: dict[str, Any] = {
        "_SPECIAL": _SPECIAL, "GRAPHQL_MIN_INT": GRAPHQL_MIN_INT, "GRAPHQL_MAX_INT": GRAPHQL_MAX_INT,
        "attribute_value": attribute_field_value, "NOT_AN_ATTRIBUTE": NOT_AN_ATTRIBUTE, "RelPeers": RelPeers,
    }  # fmt: skip
    lines = ["def project(parent, run):", "    resolve = run.resolve", "    out = {}"]
    for index, field in enumerate(fields):
        key = f"k{index}"
        namespace[key] = field.key
        if field.definition is None:  # __typename
            namespace[f"t{index}"] = object_type.name
            lines.append(f"    out[{key}] = t{index}")
            continue
        namespace[f"f{index}"], namespace[f"c{index}"] = field, completion_of(field)
        namespace[f"n{index}"] = field.name
        value_only = _value_only(field, completion_of, namespace, index)
        if value_only is not None:
            lines += [
                f"    v = attribute_value(parent, n{index})",
                "    if v is NOT_AN_ATTRIBUTE:",
                f"        out[{key}] = c{index}(resolve(parent, f{index}), run)",
                "    else:",
                f"        out[{key}] = {value_only}",
            ]
            continue
        test = _exact_test(field.definition.type) if field.sub is None else None
        if test is None:
            lines += [
                *_read_field(index),
                # a relationship's value is completed once per peers (`related`)
                f"    out[{key}] = run.related(v, f{index}, c{index}) if type(v) is RelPeers "
                f"else c{index}(run.resolved(v, f{index}), run)",
            ]
            continue
        lines += [
            *_read_field(index),
            "    if type(v) in _SPECIAL:",
            f"        v = resolve(parent, f{index})",
            f"    out[{key}] = v if {test} else c{index}(v, run)",
        ]
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<projection of {object_type.name}>", "exec"), namespace)  # noqa: S102 - source built from the plan's shape only
    projection: Projection = namespace["project"]
    return projection
