"""Query depth and size limits, as GraphQL validation rules: a document over a limit is refused
with a clear error before anything runs.

Depth counts nested selection sets through fragments (an introspection query is about 13 deep);
size counts field selections with every fragment spread expanded, so a few lines of fragments
that fan out to millions of fields are refused as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    specified_rules,
)

__all__ = ["MAX_DEPTH", "MAX_FIELDS", "VALIDATION_RULES", "limit_errors", "limit_rules"]

MAX_DEPTH = 20
MAX_FIELDS = 20000  # bulk documents run in parts of 200 root fields, each well under this


class _Measure:
    """Depth and expanded field count of selection sets, fragments measured once each."""

    def __init__(self, get_fragment: Callable[[str], FragmentDefinitionNode | None]) -> None:
        self._get_fragment = get_fragment
        self._fragments: dict[str, tuple[int, int]] = {}
        self._visiting: set[str] = set()

    def selection_set(self, node: SelectionSetNode | None) -> tuple[int, int]:
        if node is None:
            return 0, 0
        depth, fields = 0, 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                d, f = self.selection_set(selection.selection_set)
                depth, fields = max(depth, d + 1), fields + f + 1
            elif isinstance(selection, InlineFragmentNode):
                d, f = self.selection_set(selection.selection_set)
                depth, fields = max(depth, d), fields + f
            elif isinstance(selection, FragmentSpreadNode):
                d, f = self.fragment(selection.name.value)
                depth, fields = max(depth, d), fields + f
        return depth, fields

    def fragment(self, name: str) -> tuple[int, int]:
        if name in self._fragments:
            return self._fragments[name]
        if name in self._visiting:  # a cycle: NoFragmentCyclesRule reports it
            return 0, 0
        fragment = self._get_fragment(name)
        if fragment is None:  # unknown: KnownFragmentNamesRule reports it
            return 0, 0
        self._visiting.add(name)
        measured = self.selection_set(fragment.selection_set)
        self._visiting.discard(name)
        self._fragments[name] = measured
        return measured


def limit_errors(
    operation: OperationDefinitionNode,
    get_fragment: Callable[[str], FragmentDefinitionNode | None],
    max_depth: int = MAX_DEPTH,
    max_fields: int = MAX_FIELDS,
) -> list[GraphQLError]:
    """The operation's depth and size against the limits (an empty list when within them)."""
    depth, fields = _Measure(get_fragment).selection_set(operation.selection_set)
    name = operation.name.value if operation.name else "(anonymous)"
    errors = []
    if depth > max_depth:
        errors.append(GraphQLError(
            f"Operation {name} is {depth} levels deep; the limit is {max_depth}",
            operation, extensions={"code": "query.too_deep", "depth": depth, "limit": max_depth},
        ))  # fmt: skip
    if fields > max_fields:
        errors.append(GraphQLError(
            f"Operation {name} selects {fields} fields once fragments are expanded; the limit is {max_fields}",
            operation, extensions={"code": "query.too_complex", "fields": fields, "limit": max_fields},
        ))  # fmt: skip
    return errors


def limit_rules(max_depth: int = MAX_DEPTH, max_fields: int = MAX_FIELDS) -> list[type[ASTValidationRule]]:
    """Validation rules refusing operations deeper than `max_depth` or with more fields than
    `max_fields` once fragments are expanded."""

    class QueryLimitsRule(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            for error in limit_errors(node, self.context.get_fragment, max_depth, max_fields):
                self.report_error(error)

    return [QueryLimitsRule]


# graphql-core's standard rules plus the limits: what every document is validated with.
VALIDATION_RULES: Sequence[type[ASTValidationRule]] = (*specified_rules, *limit_rules())
