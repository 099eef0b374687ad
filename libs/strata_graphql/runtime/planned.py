"""The planned executor: a query document's result in one pass over already-loaded rows.

graphql-core completes every field of every object through a chain of generic calls and
awaits; for a page of a thousand objects that costs far more than reading them. Here the
document's fields are compiled once (`selection_plan.py`), the root pages are read, and the
result is built by walking the plan over the rows. Peers are loaded level by level: a pass
that meets rows not loaded yet notes them, they are read in one query, and the pass runs again.

It returns what graphql-core returns for the same document (a property test compares the two).
Whatever it cannot reproduce exactly — an error to report, a null in a non-null field, a
value graphql-core would refuse — makes it give up (`None`), and graphql-core runs the document.
"""

from __future__ import annotations

from typing import Any

import structlog
from graphql import ExecutionResult, GraphQLObjectType, GraphQLSchema, get_named_type
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from strata_graphql.runtime.compiled_projection import compile_projection
from strata_graphql.runtime.completion import Completion, compile_completion
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.field_values import (
    LAZY_VALUES,
    empty_page,
    is_empty_page_type,
    lazy_value,
    relationship_value,
    shared_peers,
)
from strata_graphql.runtime.resolvers import query_root
from strata_graphql.runtime.row_lookup import RowLookup
from strata_graphql.runtime.selection_plan import FieldPlan, OperationPlan, SelectionPlan
from strata_graphql.runtime.shaping import RelPeers

__all__ = ["execute_planned"]

_log = structlog.get_logger("strata.graphql")
_MAX_PASSES = 16  # one per level of nested peers; deeper documents go to graphql-core
_UNSET: Any = object()


async def execute_planned(
    plan: OperationPlan, schema: GraphQLSchema, ctx: GraphQLContext, variables: dict[str, Any] | None
) -> ExecutionResult | None:
    """The result of a query whose root fields are all kinds, or None to run it on graphql-core."""
    coerced = get_variable_values(schema, plan.operation.variable_definitions or (), variables or {})
    query_type = schema.query_type
    if isinstance(coerced, list) or query_type is None:
        return None
    try:
        fields = plan.root.fields_for(query_type)
        # what each root field selects on `edges { node { … } }`
        node_plans = {f.key: _subfield_plans(f, ("edges", "node")) for f in fields if f.definition is not None}
        roots: dict[str, Any] = {}
        for field in fields:
            if field.definition is None:
                continue
            if ctx.schema.get(field.name) is None:
                return None  # Branch, InfrahubInfo, …: resolvers of their own
            args = get_argument_values(field.definition, field.node, coerced)
            # a page of a concrete kind read in index order brings these peers with it
            through = _selected_relationships(field.name, node_plans[field.key], schema, ctx)
            if through:
                ctx.reader.read_peers_with_pages(field.name, through)
            roots[field.key] = await query_root(ctx, field.name, args)
        peers = set().union(*(_selected_peers(node_plans[key], roots[key], schema, ctx) for key in node_plans))
        if peers:  # read before the first pass, which would otherwise run only to find them
            await ctx.reader.get_many(list(peers))
        for _ in range(_MAX_PASSES):
            completer = _Completer(ctx, schema, coerced, RowLookup(ctx.reader))
            data = {
                f.key: query_type.name if f.definition is None else _completion(f)(roots[f.key], completer)
                for f in fields
            }
            if completer.lookup.complete:
                return ExecutionResult(data=data)
            await completer.lookup.load_missing()
    except Exception as exc:  # noqa: BLE001 - any surprise: graphql-core runs it and reports
        _log.debug("planned_execution_gave_up", error=repr(exc))
    return None


def _selected_relationships(kind: str, node_plans: list[SelectionPlan], schema: GraphQLSchema,
                            ctx: GraphQLContext) -> list[str]:  # fmt: skip
    """The relationships of the concrete `kind` that `node_plans` select (none for a generic)."""
    object_type, kind_schema = schema.get_type(kind), ctx.schema.get(kind)
    if not isinstance(object_type, GraphQLObjectType) or kind_schema is None:
        return []
    selected = {f.name for plan in node_plans for f in plan.fields_for(object_type)}
    return [r.name for r in kind_schema.relationships if r.name in selected]


def _selected_peers(node_plans: list[SelectionPlan], page: Any, schema: GraphQLSchema, ctx: GraphQLContext) -> set[str]:
    """The peers a page's objects point to through the relationships `node_plans` (the root
    field's `edges { node { … } }`) select (one level: deeper peers are found by the passes)."""
    found: set[str] = set()
    if not node_plans or not isinstance(page, dict):
        return found
    relationships_of: dict[str, list[str]] = {}
    for edge in page.get("edges") or ():
        row = edge["node"].get("__row") if isinstance(edge.get("node"), dict) else None
        if row is None:
            continue
        names = relationships_of.get(row.kind)
        if names is None:
            names = relationships_of[row.kind] = _selected_relationships(row.kind, node_plans, schema, ctx)
        for name in names:
            found.update(row.rels.get(name, ()))
    return found


def _subfield_plans(field: FieldPlan, path: tuple[str, ...]) -> list[SelectionPlan]:
    """The selections of `field.<path…>` (every key naming that path's fields)."""
    plans = [(field.definition, field.sub)]
    for name in path:
        following = []
        for definition, sub in plans:
            parent_type = get_named_type(definition.type) if definition is not None else None
            if sub is None or not isinstance(parent_type, GraphQLObjectType):
                continue
            following += [(f.definition, f.sub) for f in sub.fields_for(parent_type) if f.name == name]
        plans = following
    return [sub for _, sub in plans if sub is not None]


def _completion(field: FieldPlan) -> Completion:
    found: Completion | None = field.completion
    if found is None:
        assert field.definition is not None
        found = compile_completion(field.definition.type, field.key, field.sub)
        field.completion = found
    return found


class _Completer:
    def __init__(self, ctx: GraphQLContext, schema: GraphQLSchema, variables: VariableValues, lookup: RowLookup) -> None:
        self.ctx = ctx
        self.schema = schema
        self.variables = variables
        self.lookup = lookup
        self._args: dict[int, dict[str, Any]] = {}
        self._related: dict[tuple[int, int, tuple[str, ...]], Any] = {}

    def project(self, parent: Any, selection: SelectionPlan, object_type: GraphQLObjectType) -> dict[str, Any]:
        if isinstance(parent, dict):
            projection = selection.projections.get(object_type.name)
            if projection is None:
                projection = compile_projection(object_type, selection.fields_for(object_type), _completion)
                selection.projections[object_type.name] = projection
            result: dict[str, Any] = projection(parent, self)
            return result
        out: dict[str, Any] = {}
        for field in selection.fields_for(object_type):
            if field.definition is None:
                out[field.key] = object_type.name
                continue
            out[field.key] = (field.completion or _completion(field))(self.resolve(parent, field), self)
        return out

    def resolve(self, parent: Any, field: FieldPlan) -> Any:
        """What `resolvers.resolve_field` gives for a field below the root."""
        value: Any = parent.get(field.name) if isinstance(parent, dict) else getattr(parent, field.name, None)
        return self.resolved(value, field)

    def related(self, rel: RelPeers, field: FieldPlan, completion: Completion) -> Any:
        """A relationship field's completed value, shared by every object of the pass naming
        the same peers through the same field: a page of a thousand interfaces names a few
        dozen devices, and completing each interface's `device` again was a third of a list."""
        peers = shared_peers(rel)
        if field.sub is not None and field.sub.mentions("relationship_metadata"):
            peers = None  # each holder's own links: not shared
        if peers is None:
            return completion(relationship_value(self.ctx, rel, self._arguments(field), self.lookup), self)
        key = (id(field), id(rel.schema), peers)
        found = self._related.get(key, _UNSET)
        if found is _UNSET:
            shared = relationship_value(self.ctx, rel, self._arguments(field), self.lookup, links=False)
            found = completion(shared, self)
            self._related[key] = found
        return found

    def resolved(self, value: Any, field: FieldPlan) -> Any:
        """`resolve` for the value already read from the parent."""
        special = type(value)
        if special is RelPeers:
            return relationship_value(self.ctx, value, self._arguments(field), self.lookup)
        if special in LAZY_VALUES:
            return lazy_value(self.ctx, value, self.lookup)
        if value is None and field.definition is not None and is_empty_page_type(field.definition.type):
            return empty_page()
        return value

    def _arguments(self, field: FieldPlan) -> dict[str, Any]:
        found = self._args.get(id(field))
        if found is None and field.definition is not None:
            found = get_argument_values(field.definition, field.node, self.variables)
            self._args[id(field)] = found
        return found or {}
