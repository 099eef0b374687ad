"""Parses, validates and executes one GraphQL document against a branch's generated schema.

Queries over kinds run on the planned executor (`planned.py`); everything else — mutations,
introspection, the non-kind roots, documents with directives, and any query whose result
would carry an error — runs on graphql-core's executor with the generic resolver.
"""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLSchema, execute

from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.documents import DocumentCache
from strata_graphql.runtime.planned import execute_planned
from strata_graphql.runtime.resolvers import resolve_field, resolve_type
from strata_graphql.sdl import GraphQLSchemaCache

__all__ = ["execute_document", "execute_validated"]


async def execute_document(
    cache: GraphQLSchemaCache,
    ctx: GraphQLContext,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    *,
    documents: DocumentCache | None = None,
    planned: bool = True,
) -> ExecutionResult:
    """`documents` keeps prepared documents between requests; `planned=False` forces graphql-core."""
    graphql_schema = cache.get(ctx.schema)
    prepared = (documents if documents is not None else DocumentCache(1)).prepare(graphql_schema, ctx.schema.schema_hash, query, operation_name)
    if prepared.document is None or prepared.errors:
        return ExecutionResult(data=None, errors=prepared.errors)
    if planned and prepared.plan is not None:
        result = await execute_planned(prepared.plan, graphql_schema, ctx, variables)
        if result is not None:
            return result
    return await _execute(graphql_schema, ctx, prepared.document, variables, operation_name)


async def execute_validated(
    cache: GraphQLSchemaCache,
    ctx: GraphQLContext,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> ExecutionResult:
    """graphql-core on a document known valid (a part of a document validated whole): validating
    a document of a thousand creates costs about as much as deciding them."""
    return await _execute(cache.get(ctx.schema), ctx, document, variables, operation_name)


async def _execute(
    graphql_schema: GraphQLSchema,
    ctx: GraphQLContext,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> ExecutionResult:
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
