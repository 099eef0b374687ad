"""The bulk path: a mutation document with many `<Kind>Create` fields is ONE atomic batch.

Pass 1 decides every create in order against the read model plus what the earlier creates of
the same document decided (so uniqueness holds across them) and appends nothing; the events
then go to the branch in one batch under its head's OCC; pass 2 executes the document again,
answering each field with the object now in the read model.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_argument_values,
    get_variable_values,
    located_error,
    visit,
)

from strata_api.mutations import AuthRequired
from strata_api.resources import Resources
from strata_core.errors import ValidationFailed
from strata_events import NodeCreated
from strata_eventstore.records import AppendResult, PendingEvent
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.resolvers import may_select
from strata_graphql.runtime.shaping import NodeRef
from strata_api.bulk_events import merge_back_references
from strata_api.idempotency import committed_seq, events_of_commit
from strata_api.bulk_prior import prior_objects
from strata_api.bulk_speculation import SpeculativeReader, needs_exact_reads
from strata_api.overlay import lay_over
from strata_mutations import MutationError, NodeEvent, NodeRecord, decide_create

__all__ = [
    "BulkCreates", "creates_known_kind", "decide_document", "is_bulk_create",
    "ok_only_answer", "root_operation", "selects_object", "split_document",
]

_PREFETCH = 2000  # ids per read when pass 2 loads the created objects
_CHECK_EVERY = 200  # creates decided between two background checks of their assumptions
_MAX_COERCION_ERRORS = 50  # as graphql-core's executor


def is_bulk_create(document: DocumentNode, ctx: GraphQLContext) -> bool:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation != OperationType.MUTATION:
        return False
    fields = [s for s in operations[0].selection_set.selections if isinstance(s, FieldNode)]
    return len(fields) > 1 and all(creates_known_kind(f.name.value, ctx) for f in fields)


def creates_known_kind(field: str, ctx: GraphQLContext) -> bool:
    """Whether the root field `field` is `<Kind>Create` for a kind of the branch's schema."""
    return field.endswith("Create") and ctx.schema.get(field[: -len("Create")]) is not None


def root_operation(document: DocumentNode) -> OperationDefinitionNode:
    """The document's (first) operation: a bulk document has exactly one."""
    return next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))


def selects_object(document: DocumentNode) -> bool:
    """Whether any create of the bulk document asks for `object` (a fragment might)."""
    fields = [f for f in root_operation(document).selection_set.selections if isinstance(f, FieldNode)]
    return may_select(fields, ("object",))


def ok_only_answer(document: DocumentNode) -> dict[str, Any] | None:
    """The answer of an accepted bulk document whose creates each select `ok` and nothing else
    (what most bulk clients ask), built without executing the document again: pass 2 through
    graphql-core coerced every argument a second time, ~a fifth of a 1,000-create request's CPU.
    None when any create selects more, or carries a directive (pass 2 then answers)."""
    data: dict[str, Any] = {}
    for field in root_operation(document).selection_set.selections:
        if not isinstance(field, FieldNode) or field.directives or field.selection_set is None:
            return None
        answer: dict[str, Any] = {}
        for selection in field.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.directives or selection.name.value != "ok":
                return None
            answer[(selection.alias or selection.name).value] = True
        data[(field.alias or field.name).value] = answer
    return data


class BulkCreates:
    """Pass 1 (`deciding`) collects; `commit` appends once; pass 2 (`replaying`) answers.

    Decisions are made speculatively (see `bulk_speculation`), unless an earlier attempt at the
    same request found an assumption false: then every read is exact."""

    def __init__(
        self, resources: Resources, head: int, *, answers_objects: bool = True, peers: Collection[str] = (),
        mutation_id: str | None = None, prior: Sequence[NodeEvent] = (),
    ) -> None:
        self._resources = resources
        self._mutation_id = mutation_id  # from an Idempotency-Key: a retry is stored once
        self._peers = peers  # stored objects the creates point to, read before deciding
        self._answers_objects = answers_objects  # else the created objects are not read back
        self._head = head  # the branch head the decisions are made against
        self._events: list[NodeEvent] = []
        self._pending: dict[str, NodeRecord] = {}
        self._ids: list[str] = []
        self._replaying = False
        self._reader: SpeculativeReader | None = None
        self._answered = 0
        # this process's mutations the read model may not hold yet, decided over (`bulk_prior`)
        self._prior = prior
        self._appended: AppendResult | None = None

    async def execute(self, ctx: GraphQLContext, field: str, args: dict[str, Any], *, answer_object: bool = True) -> Any:
        """One create of the document (`answer_object` is decided for the whole document:
        `answers_objects`)."""
        if ctx.actor is None:
            raise AuthRequired("Authentication is required to perform this operation")
        if self._replaying:
            return await self._answer(ctx)
        if self._reader is None:
            prior = await prior_objects(ctx, self._prior) if self._prior else None
            self._reader = SpeculativeReader(ctx, self._pending, prior)
            await self._reader.prime(self._peers)
        reader = self._reader
        kind = field[: -len("Create")]
        data = args.get("data") or {}
        # an id for the object unless the input gives one (a given id, valid or not, is the one
        # decide_create uses or refuses); most bulk inputs give theirs
        new_id = "" if data.get("id") else str(uuid.uuid4())
        speculate = not needs_exact_reads(ctx)
        reader.begin(speculate=speculate)
        try:
            events = await decide_create(ctx.schema, kind, data, reader, new_id)
        except MutationError:
            if not speculate:
                raise
            reader.begin(speculate=False)  # refusals are never speculative: decide again, exactly
            events = await decide_create(ctx.schema, kind, data, reader, new_id)
        reader.accept()
        for event in events:  # a prior object the document changes: from its state at the head
            if event.node_id not in self._pending and (known := reader.prior_record(event.node_id)) is not None:
                self._pending[event.node_id] = known
        await lay_over(ctx, self._pending, events)
        reader.reindex(events)
        self._events += events
        self._ids.append(events[0].node_id)
        if len(self._ids) % _CHECK_EVERY == 0:
            reader.check_so_far(self._resources.driver, self._resources.settings.neo4j_database)
            await asyncio.sleep(0)  # the check's queries go out now, and run beside the deciding
        # pass 1's answers are thrown away: no object, so no selection under it is worked out
        # (a stub would also fail non-null fields such as a mandatory relationship)
        return {"ok": True, "object": None}

    def discard(self) -> None:
        """The attempt ends without a commit: stop what still runs for it."""
        if self._reader is not None:
            self._reader.discard_checks()

    async def _answer(self, ctx: GraphQLContext) -> dict[str, Any]:
        if self._answered == 0 and self._answers_objects:  # one read for all, not one per field
            for start in range(0, len(self._ids), _PREFETCH):
                await ctx.reader.get_many(self._ids[start : start + _PREFETCH])
        uid = self._ids[self._answered]
        self._answered += 1
        # shaped only if the document selects `object` (most bulk documents ask for `ok` alone)
        return {"ok": True, "object": NodeRef(uid)}

    async def commit(self, ctx: GraphQLContext) -> None:
        store = self._resources.store
        events = merge_back_references(self._events)
        if len(events) + 1 > store.max_batch:
            raise ValidationFailed(
                f"a bulk request may create at most {store.max_batch - 1} events at once, this one needs {len(events)}"
            )
        if self._reader is not None:
            # raises SpeculationFailed (a ConcurrencyConflict): the caller decides again, exactly
            await self._reader.verify(self._resources.driver, self._resources.settings.neo4j_database)
        pending = [PendingEvent(self._resources.names.node_subject(ctx.branch_id, e.node_id), e) for e in events]
        # raises ConcurrencyConflict when the head moved since the decisions: the caller decides again
        result = await store.append(ctx.branch_id, pending, expected_head=self._head, actor=ctx.actor,
                                    operation=f"bulk.create({len(self._ids)})", mutation_id=self._mutation_id)  # fmt: skip
        if not result.duplicate:  # the next writer of this process may decide over it (`bulk_prior`)
            self._resources.in_flight.add(ctx.branch_id, result.head_seq - result.count + 1, result.head_seq, events)
        self._appended = result

    async def settle(self, ctx: GraphQLContext) -> None:
        """After the turn: wait for the projection of what `commit` appended (read-your-writes),
        then answer from the read model."""
        result = self._appended
        assert result is not None, "settle follows a commit"
        await self._resources.wait_projected(ctx.branch_id, result.head_seq, appended=True)
        self._resources.in_flight.settle(ctx.branch_id, result.head_seq)
        if result.duplicate:  # the same key's batch was stored meanwhile: answer with its objects
            stored = await committed_seq(self._resources, ctx.branch_id, self._mutation_id or "")
            if stored is not None:
                await self.answer_stored(ctx, stored, fields=len(self._ids))
                return
        ctx.reader.forget()
        self._replaying = True

    async def answer_stored(self, ctx: GraphQLContext, head_seq: int, *, fields: int) -> None:
        """Answer with the objects of the batch already stored at `head_seq` under this request's
        idempotency key (its creates, in the document's order), instead of deciding again."""
        batch = await events_of_commit(self._resources, ctx.branch_id, head_seq)
        created = [e.event.node_id for e in batch if isinstance(e.event, NodeCreated)]
        if len(created) != fields:
            raise ValidationFailed(
                f"Idempotency-Key: the key was used for a request creating {len(created)} objects, this one creates {fields}",
                field="Idempotency-Key",
            )
        self._ids = created
        ctx.reader.forget()
        self._replaying = True


async def decide_document(
    bulk: BulkCreates, schema: GraphQLSchema, ctx: GraphQLContext, document: DocumentNode,
    variables: dict[str, Any] | None,
) -> list[GraphQLError] | None:
    """Pass 1 without graphql-core's executor: each create's arguments coerced by graphql-core's
    own `get_argument_values`, then decided, in the document's order; every field's error is
    reported as the executor reports it (`located_error`, the field's path). None when a root
    field carries a directive (`@skip`, `@include`): the executor decides then.

    Pass 1 answers nothing, so the executor's work (its futures, the completion of each
    answer) bought nothing, and its state holds a reference cycle that kept the whole
    document for the cyclic collector."""
    operation = root_operation(document)
    fields = [f for f in operation.selection_set.selections if isinstance(f, FieldNode)]
    mutation_type = schema.mutation_type
    if mutation_type is None or any(f.directives for f in fields):
        return None
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), variables or {}, max_errors=_MAX_COERCION_ERRORS
    )
    if isinstance(coerced, list):
        return coerced
    errors: list[GraphQLError] = []
    for field in fields:
        name = field.name.value
        try:
            args = get_argument_values(mutation_type.fields[name], field, coerced)
            await bulk.execute(ctx, name, args, answer_object=False)
        except Exception as exc:  # noqa: BLE001  # any resolver error is the field's, as in the executor
            errors.append(located_error(exc, [field], [(field.alias or field.name).value]))
    return errors


def split_document(document: DocumentNode, size: int) -> list[DocumentNode]:
    """The document's root fields in documents of at most `size` fields each (graphql-core
    executes mutation fields with one nested await per field, which overflows the recursion
    limit near a thousand). Each part keeps the fragments and the variables its fields use."""
    operation = root_operation(document)
    others = tuple(d for d in document.definitions if d is not operation)
    fields = list(operation.selection_set.selections)
    if len(fields) <= size:
        return [document]
    parts = []
    for start in range(0, len(fields), size):
        chunk = tuple(fields[start : start + size])
        used: set[str] = set()
        for node in chunk if operation.variable_definitions else ():  # walking the fields costs
            visit(node, _VariableCollector(used))
        variables = tuple(v for v in operation.variable_definitions or () if v.variable.name.value in used)
        part = OperationDefinitionNode(
            operation=operation.operation, name=operation.name, directives=operation.directives,
            variable_definitions=variables, selection_set=SelectionSetNode(selections=chunk),
        )  # fmt: skip
        parts.append(DocumentNode(definitions=(part, *others)))
    return parts


class _VariableCollector(Visitor):
    def __init__(self, used: set[str]) -> None:
        super().__init__()
        self._used = used

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self._used.add(node.name.value)
