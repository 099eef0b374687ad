"""A GraphQL operation compiled once: for each selection set and runtime type, the fields to
produce in order, with their definitions and merged sub-selections.

This is the part of execution that graphql-core redoes for every object of every request
(collecting fields through fragments, looking up definitions). Compiled per document and schema
hash and kept in `DocumentCache`, it leaves only value completion to do per object.

Only what the planned executor handles is compiled; anything else (directives, introspection,
non-query operations) raises `Unsupported` and the document runs on graphql-core.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
)
from graphql.language import Visitor, visit

__all__ = ["FieldPlan", "OperationPlan", "SelectionPlan", "Unsupported", "compile_operation"]


class Unsupported(Exception):
    """The planned executor does not handle this document; graphql-core runs it."""


class FieldPlan:
    """One response key of a selection set: the field, its first node (for arguments) and the
    sub-selection merged from every node with that key."""

    __slots__ = ("completion", "definition", "key", "name", "node", "sub")

    def __init__(
        self, key: str, name: str, node: FieldNode, definition: GraphQLField | None, sub: SelectionPlan | None
    ) -> None:
        self.key = key
        self.name = name
        self.node = node
        self.definition = definition  # None for __typename
        self.sub = sub
        self.completion: Any = None  # set by the planned executor on first use (completion.py)


class SelectionPlan:
    """The selection sets asked of one field; fields per runtime type, compiled when first met."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        selection_sets: list[SelectionSetNode],
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._selection_sets = selection_sets
        self._by_type: dict[str, list[FieldPlan]] = {}
        # per object type name: the generated function producing these fields (compiled_projection.py)
        self.projections: dict[str, Any] = {}
        self._mentions: dict[str, bool] = {}

    def mentions(self, name: str) -> bool:
        """Whether a field `name` is selected anywhere below, on any type (fragments followed)."""
        found = self._mentions.get(name)
        if found is None:
            found = self._mentions[name] = any(self._mentioned(s, name, set()) for s in self._selection_sets)
        return found

    def _mentioned(self, selection_set: SelectionSetNode, name: str, visited: set[str]) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == name:
                    return True
                inner = selection.selection_set
            elif isinstance(selection, InlineFragmentNode):
                inner = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in visited:
                visited.add(selection.name.value)
                fragment = self._fragments.get(selection.name.value)
                inner = fragment.selection_set if fragment is not None else None
            else:
                inner = None
            if inner is not None and self._mentioned(inner, name, visited):
                return True
        return False

    def fields_for(self, object_type: GraphQLObjectType) -> list[FieldPlan]:
        found = self._by_type.get(object_type.name)
        if found is None:
            found = self._compile(object_type)
            self._by_type[object_type.name] = found
        return found

    def _compile(self, object_type: GraphQLObjectType) -> list[FieldPlan]:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in self._selection_sets:
            self._collect(object_type, selection_set, grouped, set())
        plans = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                plans.append(FieldPlan(key, name, nodes[0], None, None))
                continue
            if name.startswith("__"):
                raise Unsupported(f"introspection field {name}")
            definition = object_type.fields.get(name)
            if definition is None:
                raise Unsupported(f"unknown field {object_type.name}.{name}")  # validation says more
            sub = None
            if is_composite_type(get_named_type(definition.type)):
                sets = [n.selection_set for n in nodes if n.selection_set is not None]
                sub = SelectionPlan(self._schema, self._fragments, sets)
            plans.append(FieldPlan(key, name, nodes[0], definition, sub))
        return plans

    def _collect(
        self,
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else None
                if condition is None or self._applies(condition, object_type):
                    self._collect(object_type, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, object_type):
                    self._collect(object_type, fragment.selection_set, grouped, visited)

    def _applies(self, condition: str, object_type: GraphQLObjectType) -> bool:
        condition_type: GraphQLNamedType | None = self._schema.get_type(condition)
        if condition_type is object_type:
            return True
        if condition_type is not None and is_abstract_type(condition_type):
            return self._schema.is_sub_type(condition_type, object_type)
        return False


class OperationPlan:
    def __init__(self, operation: OperationDefinitionNode, root: SelectionPlan) -> None:
        self.operation = operation
        self.root = root


class _DirectiveFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        self.found = True


def _has_directives(nodes: Iterable[Node]) -> bool:
    finder = _DirectiveFinder()
    for node in nodes:
        visit(node, finder)
    return finder.found


def compile_operation(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> OperationPlan:
    """The plan of a validated document's query operation, or `Unsupported`."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if operation_name is None:
        if len(operations) != 1:
            raise Unsupported("several operations and no operation name")
        operation = operations[0]
    else:
        named = [o for o in operations if o.name and o.name.value == operation_name]
        if len(named) != 1:
            raise Unsupported(f"operation {operation_name!r} not found once")
        operation = named[0]
    if operation.operation != OperationType.QUERY:
        raise Unsupported(f"{operation.operation.value} operation")
    if _has_directives([operation, *fragments.values()]):
        raise Unsupported("directives")  # @skip/@include depend on variables: not planned
    root = SelectionPlan(schema, fragments, [operation.selection_set])
    if schema.query_type is None:
        raise Unsupported("no query type")
    root.fields_for(schema.query_type)  # root-level refusals (introspection) now, not per request
    return OperationPlan(operation, root)
