"""`InfrahubGraphQLQueryReport`: whether a stored query targets unique nodes.

Artifact and generator definitions ask it (`infrahubctl graphql query-report`): when every root
field of the query returns at most one object, only the artifacts of the objects that changed
need regenerating; otherwise all of them do. A root field on a kind targets a unique node when
it filters on `ids` or `hfid`, on a unique attribute, or on every part of one of the kind's
uniqueness constraints, and each value it filters on is always there: a literal other than
null (a non-empty list for `ids` and `hfid`), or a variable declared non-null or with a
non-null default. Anything else (a root field that is not a kind, a mutation, a nullable
variable) answers false: regenerating everything is never wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    ListValueNode,
    NonNullTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    parse,
)

from strata_core.errors import ValidationFailed
from strata_schema import BranchSchema
from strata_schema.model import KindSchema

__all__ = ["targets_unique_nodes"]

_IDENTIFYING_LISTS = ("ids", "hfid")


def targets_unique_nodes(query: str, schema: BranchSchema) -> bool:
    """Whether every root field of every operation of `query` returns at most one object of
    `schema` (the branch's: uniqueness comes from it). A query that does not parse is refused,
    naming the argument and the parser's reason."""
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        raise ValidationFailed(f"query: not a GraphQL document ({exc.message})", field="query") from exc
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return False
    for operation in operations:
        if operation.operation != OperationType.QUERY:
            return False
        provided_variables = {
            v.variable.name.value
            for v in operation.variable_definitions or ()
            if isinstance(v.type, NonNullTypeNode) or (v.default_value is not None and _present(v.default_value, set()))
        }
        fields = [f for f in _root_fields(operation.selection_set, fragments) if f.name.value != "__typename"]
        if not fields:
            return False
        for field in fields:
            kind = schema.get(field.name.value)
            if kind is None:  # Branch, InfrahubInfo, …: not a kind
                return False
            filters = {a.name.value for a in field.arguments or () if _present(a.value, provided_variables)}
            if not _identifies(kind, filters, schema):
                return False
    return True


def _root_fields(selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _root_fields(fragments[selection.name.value].selection_set, fragments)


def _present(value: ValueNode, provided_variables: set[str]) -> bool:
    """Whether an argument's value is always there when the query runs."""
    if isinstance(value, VariableNode):
        return value.name.value in provided_variables
    if isinstance(value, NullValueNode):
        return False
    if isinstance(value, ListValueNode):
        return bool(value.values) and all(_present(v, provided_variables) for v in value.values)
    return True


def _identifies(kind: KindSchema, filters: set[str], schema: BranchSchema) -> bool:
    """Whether `filters` (the argument names given a value) pick at most one object of `kind`."""
    if any(name in filters for name in _IDENTIFYING_LISTS) or _unique_value_filtered(kind, filters):
        return True
    return any(
        all(_part_filtered(kind, part, filters, schema) for part in constraint)
        for constraint in kind.uniqueness_constraints or ()
    )


def _part_filtered(kind: KindSchema, part: str, filters: set[str], schema: BranchSchema) -> bool:
    """One part of a uniqueness constraint: an attribute path (`name__value`) filtered as it is,
    or a relationship (`device`) filtered by its peer's ids or a value identifying the peer."""
    if part in filters:
        return True
    relationship = next((r for r in kind.relationships if r.name == part), None)
    if relationship is None:
        return False
    if f"{part}__ids" in filters:
        return True
    peer = schema.get(relationship.peer)
    if peer is None:
        return False
    prefix = f"{part}__"
    return _unique_value_filtered(peer, {name[len(prefix) :] for name in filters if name.startswith(prefix)})


def _unique_value_filtered(kind: KindSchema, filters: set[str]) -> bool:
    """Whether `filters` name the value of one of `kind`'s unique attributes."""
    return any(f"{a.name}__value" in filters for a in kind.attributes if a.unique)
