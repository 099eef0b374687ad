"""Parses, validates and executes one GraphQL document against a branch's generated schema."""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, ExecutionResult, execute, parse, validate
from graphql.error import GraphQLSyntaxError

from strata_graphql.limits import VALIDATION_RULES
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.resolvers import resolve_field, resolve_type
from strata_graphql.sdl import GraphQLSchemaCache

__all__ = ["execute_document", "execute_parsed"]


async def execute_document(
    cache: GraphQLSchemaCache,
    ctx: GraphQLContext,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> ExecutionResult:
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return ExecutionResult(data=None, errors=[exc])
    return await execute_parsed(cache, ctx, document, variables, operation_name)


async def execute_parsed(
    cache: GraphQLSchemaCache,
    ctx: GraphQLContext,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> ExecutionResult:
    graphql_schema = cache.get(ctx.schema)
    errors = validate(graphql_schema, document, VALIDATION_RULES)
    if errors:
        return ExecutionResult(data=None, errors=errors)
    result = execute(
        graphql_schema,
        document,
        context_value=ctx,
        variable_values=variables,
        operation_name=operation_name,
        field_resolver=resolve_field,
        type_resolver=resolve_type,
    )
    if isinstance(result, ExecutionResult):
        return result
    awaited: ExecutionResult = await result
    return awaited


