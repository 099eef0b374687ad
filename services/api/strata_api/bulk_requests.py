"""A request whose document is a bulk create (many `<Kind>Create` fields): the checks it gets,
and the run itself (decide all, append once, answer all; see `bulk`).

A plain document (literal arguments, each create selecting `ok`) is read and coerced without
an AST (`plain_bulk`); should it be refused, the general path decides it again and reports
why. Otherwise a large bulk document is parsed without locations (`bulk_parsing`), validated by one
representative per shape of field (`bulk_validation`), and not kept in the document cache: it
is never sent twice, and holds megabytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from graphql import DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema, parse
from graphql.error import GraphQLSyntaxError

from strata_api.bulk import BulkCreates, decide_document, is_bulk_create, ok_only_answer, root_operation, selects_object, split_document
from strata_api.bulk_prior import qualifies
from strata_api.bulk_references import referenced_ids
from strata_api.idempotency import committed_seq, mutation_id_for
from strata_api.plain_bulk import decide_plain, plain_bulk
from strata_api.resources import Resources
from strata_core.errors import ConcurrencyConflict
from strata_core.metrics import BULK_DOCUMENTS
from strata_core.gc_pause import gc_paused
from strata_eventstore.write_turns import write_attempts
from strata_graphql.uploads import UploadedFile
from strata_graphql.runtime.bulk_parsing import locate_errors, parse_bulk
from strata_graphql.runtime.bulk_validation import validate_by_representatives, validate_whole
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.executor import execute_validated
from strata_mutations import NodeEvent

__all__ = ["run_bulk_request"]

_ATTEMPTS = 3
_PART = 200  # root fields per graphql-core execution (its serial executor recurses per field)
_LARGE = 20_000  # characters: a document this long is parsed and validated apart from the cache


class _Run(NamedTuple):
    parts: list[DocumentNode]  # the document in parts, for graphql-core's executor
    ok_only: dict[str, Any] | None  # the answer once accepted, when every create selects `ok` alone
    fields: int  # the document's creates
    variables: dict[str, Any] | None
    answers_objects: bool
    peers: set[str]
    mutation_id: str | None  # from the request's Idempotency-Key
    # may be decided over this process's unprojected mutations (`bulk_prior`): a plain document
    # naming no peer by hfid, without a key (a keyed request checks its key in the read model)
    over_prior: bool = False


_Decider = Callable[[BulkCreates], Awaitable[list[GraphQLError]]]  # pass 1: the errors of the creates refused


async def run_bulk_request(
    resources: Resources, ctx: GraphQLContext, query: str, variables: dict[str, Any] | None, operation: str | None,
    *, idempotency_key: str | None = None,
) -> ExecutionResult | None:
    """The result of a bulk document, or None when `query` is not one (or does not parse or
    validate: the normal path then reports why)."""
    if "mutation" not in query or "Create" not in query:
        return None
    if variables and any(isinstance(v, UploadedFile) for v in variables.values()):
        return None  # a file object's create: one at a time (mutations.py stores its file)
    graphql_schema = resources.graphql_cache.get(ctx.schema)
    mutation_id = mutation_id_for(ctx.actor, idempotency_key, "bulk.create", 0) if idempotency_key and ctx.actor else None
    plain = plain_bulk(query, operation, ctx, graphql_schema)
    if plain is not None:
        run = _Run(parts=[], ok_only=plain.answer(), fields=len(plain.creates), variables=None,
                   answers_objects=False, peers=plain.peers, mutation_id=mutation_id,
                   over_prior=mutation_id is None and not any(_names_by_hfid(c.arguments) for c in plain.creates))  # fmt: skip
        result, _ = await _execute_restoring(resources, ctx, run, lambda bulk: decide_plain(bulk, ctx, plain), operation)
        if not result.errors:
            BULK_DOCUMENTS.labels(path="plain").inc()
            return result
        ctx.reader.forget()  # refused: the general path decides again, and reports why
    document = _valid_bulk_document(resources, ctx, graphql_schema, query, operation)
    if document is None:
        return None
    run = _Run(split_document(document, _PART), ok_only_answer(document),
               len(root_operation(document).selection_set.selections), variables,
               selects_object(document), referenced_ids(document, ctx.schema, variables), mutation_id)  # fmt: skip

    async def decide(bulk: BulkCreates) -> list[GraphQLError]:
        return await _decide(resources, ctx, bulk, document, run, operation)

    result, appended = await _execute_restoring(resources, ctx, run, decide, operation)
    BULK_DOCUMENTS.labels(path="general" if plain is None else "plain_refused").inc()
    if not result.errors:
        return result
    # a large document was parsed without locations (bulk_parsing); its errors need them
    located = document if document.loc is not None else parse(query)
    if not appended:
        # maybe a literal only coercion saw (the representatives do not show every value):
        # then the errors validation gives, as the whole document would have had them
        errors = validate_whole(graphql_schema, located)
        if errors:
            return ExecutionResult(data=None, errors=errors)
    return ExecutionResult(data=result.data, errors=locate_errors(result.errors, located))


def _valid_bulk_document(
    resources: Resources, ctx: GraphQLContext, graphql_schema: GraphQLSchema, query: str, operation: str | None
) -> DocumentNode | None:
    if len(query) < _LARGE:  # as any document: through the cache, validated whole
        prepared = resources.graphql_documents.prepare(graphql_schema, ctx.schema.schema_hash, query, operation)
        document = prepared.document
        return document if document is not None and not prepared.errors and is_bulk_create(document, ctx) else None
    try:
        parsed = parse_bulk(query)  # without locations: see bulk_parsing
    except GraphQLSyntaxError:
        return None
    if not is_bulk_create(parsed.document, ctx):
        return None
    with gc_paused():
        errors = validate_by_representatives(graphql_schema, parsed.document, query, parsed.root_spans)
    return None if errors else parsed.document


async def _decide(
    resources: Resources, ctx: GraphQLContext, bulk: BulkCreates, document: DocumentNode, run: _Run,
    operation: str | None,
) -> list[GraphQLError]:
    """Pass 1: every create decided (the errors of those refused)."""
    refused = await decide_document(bulk, resources.graphql_cache.get(ctx.schema), ctx, document, run.variables)
    if refused is not None:
        return refused
    errors: list[GraphQLError] = []
    for part in run.parts:  # through graphql-core's executor (a directive on a root field)
        decided = await execute_validated(resources.graphql_cache, ctx, part, run.variables, operation)
        errors += decided.errors or []
    return errors


def _names_by_hfid(value: Any) -> bool:
    """Whether an argument value holds an `hfid` key anywhere (a peer named by hfid)."""
    if isinstance(value, dict):
        return "hfid" in value or any(_names_by_hfid(v) for v in value.values())
    if isinstance(value, list):
        return any(_names_by_hfid(v) for v in value)
    return False


def _prior(resources: Resources, ctx: GraphQLContext, run: _Run, head: int) -> list[NodeEvent] | None:
    """This process's mutations between the read model and `head`, when the document may be
    decided over them without waiting for their projection (`bulk_prior`); else None."""
    if not run.over_prior:
        return None
    events = resources.in_flight.covering(ctx.branch_id, resources.projected_seq(ctx.branch_id), head)
    if not events or not qualifies(ctx.schema, events):
        return None
    return events


async def _execute_restoring(
    resources: Resources, ctx: GraphQLContext, run: _Run, decide: _Decider, operation: str | None
) -> tuple[ExecutionResult, bool]:
    port = ctx.mutations
    try:
        return await _execute(resources, ctx, run, decide, operation)
    finally:
        # the run's state (every event and record it decided) refers to ctx: without this, a
        # cycle, left to the cyclic collector (~17,000 objects for 1,000 creates)
        ctx.mutations = port


async def _execute(
    resources: Resources, ctx: GraphQLContext, run: _Run, decide: _Decider, operation: str | None
) -> tuple[ExecutionResult, bool]:
    """Decide every create, append them as one batch, answer every field; and whether the
    batch was appended (not when a decision failed)."""
    parts, variables = run.parts, run.variables
    # decided and appended in the branch's turn: this process's writers queue, not collide
    async for attempt in write_attempts(resources.store.turns, ctx.branch_id, _ATTEMPTS):
        # another process's write moving the head, or a failed speculation, ends it: decide again
        committed = False
        async with attempt:
            head = await resources.store.head(ctx.branch_id)
            prior = _prior(resources, ctx, run, head)
            if prior is None:
                await resources.wait_projected(ctx.branch_id, head)
            bulk = BulkCreates(resources, head, answers_objects=run.answers_objects, peers=run.peers,
                               mutation_id=run.mutation_id, prior=prior or ())  # fmt: skip
            ctx.mutations = bulk
            stored = await committed_seq(resources, ctx.branch_id, run.mutation_id) if run.mutation_id else None
            if stored is not None:  # a retry of a request that was stored: answered, not applied again
                await bulk.answer_stored(ctx, stored, fields=run.fields)
            else:
                try:
                    refused = await decide(bulk)
                    if refused:  # nothing is created: no field answers `ok`
                        return ExecutionResult(data=None, errors=refused), False
                    await bulk.commit(ctx)
                    committed = True
                except ConcurrencyConflict:
                    ctx.reader.forget()
                    raise
                finally:
                    bulk.discard()
        if attempt.conflicted:
            continue
        if committed:  # out of the turn: the next writer decides while this one is projected
            await bulk.settle(ctx)
        if run.ok_only is not None:
            return ExecutionResult(data=run.ok_only), True
        data: dict[str, Any] = {}
        errors: list[GraphQLError] = []
        for part in parts:
            answered = await execute_validated(resources.graphql_cache, ctx, part, variables, operation)
            data.update(answered.data or {})
            errors += answered.errors or []
        return ExecutionResult(data=data, errors=errors or None), True
    raise ConcurrencyConflict(f"branch {ctx.branch_name} kept moving; the bulk create gave up")
