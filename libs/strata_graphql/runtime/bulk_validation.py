"""Validating a bulk document by one representative per shape of root field.

A document of 1,000 creates took 0.44 s to validate, more than twice its parsing, though it
holds a dozen kinds of field at most: the 1,000 differ in literal values only. Root fields of
the same `literal_shape` are validated once, through the first of them. The limits (depth,
size) are measured on the whole operation.

What this leaves unchecked is the literal values of the fields not validated: an Int out of
range, say. Running the document coerces every argument, and refuses such a value as an error
of its field; the caller then validates the whole document (`validate_whole`), so a client
gets the error validation gives, with nothing appended.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    specified_rules,
    validate,
)

from strata_graphql.limits import VALIDATION_RULES, limit_errors
from strata_graphql.runtime.literal_shapes import literal_shape

__all__ = ["validate_by_representatives", "validate_whole"]


def validate_whole(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    return list(validate(schema, document, VALIDATION_RULES))


def validate_by_representatives(
    schema: GraphQLSchema, document: DocumentNode, source: str, root_spans: Mapping[int, tuple[int, int]]
) -> list[GraphQLError]:
    """`source` is the text `document` was parsed from, and `root_spans` the span of each root
    field's text in it from its name on (its alias left out), by the field node's id
    (`bulk_parsing`: the document has no locations)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return validate_whole(schema, document)
    operation = operations[0]
    fields = operation.selection_set.selections
    representatives: dict[str, FieldNode] = {}
    response_names: set[str] = set()
    for field in fields:
        span = root_spans.get(id(field))
        if not isinstance(field, FieldNode) or span is None:
            return validate_whole(schema, document)
        response_name = (field.alias or field.name).value
        if response_name in response_names:  # whether the two can merge depends on their values
            return validate_whole(schema, document)
        response_names.add(response_name)
        representatives.setdefault(literal_shape(source[span[0] : span[1]]), field)
    if len(representatives) == len(fields):
        return validate_whole(schema, document)
    sample = OperationDefinitionNode(
        operation=operation.operation, name=operation.name, directives=operation.directives,
        variable_definitions=operation.variable_definitions,
        selection_set=SelectionSetNode(selections=tuple(representatives.values())),
    )  # fmt: skip
    others = tuple(d for d in document.definitions if d is not operation)
    errors = list(validate(schema, DocumentNode(definitions=(sample, *others)), specified_rules))
    fragments = {d.name.value: d for d in others if isinstance(d, FragmentDefinitionNode)}
    return errors + limit_errors(operation, fragments.get)
