"""Root mutation fields: decide events from the input and the current state, append them as one
atomic batch under the branch head's optimistic concurrency, wait for the read model."""

from __future__ import annotations

import uuid
from typing import Any

import nats.errors
import neo4j.exceptions

from strata_api.branch_mutations import BRANCH_MUTATIONS, run_branch_mutation
from strata_api.file_objects import store_upload
from strata_api.idempotency import committed_seq, mutation_id_for, object_of_commit
from strata_api.mutation_dispatch import dispatch, overlay_allowed
from strata_api.overlay import UnsureWithoutProjection
from strata_api.resources import Resources
from strata_api.schema_mutations import SCHEMA_MUTATIONS, run_schema_mutation
from strata_core.errors import ConcurrencyConflict, StoreUnavailable, StrataError, ValidationFailed
from strata_core.metrics import MUTATIONS
from opentelemetry import trace
from strata_eventstore.records import PendingEvent
from strata_eventstore.write_turns import write_attempts
from strata_graph.views import View
from strata_graphql.runtime.context import GraphQLContext
from strata_graphql.runtime.reader import GraphReader
from strata_graphql.runtime.shaping import agnostic_kinds
from strata_graphql.runtime.resolvers import shape_rows
from strata_graphql.uploads import UploadedFile
from strata_mutations import MutationError, NodeEvent
from strata_mutations.errors import ObjectNotFound

__all__ = ["ApiMutations", "AuthRequired"]

_ATTEMPTS = 5
_tracer = trace.get_tracer("strata.api")


class AuthRequired(StrataError):
    code = "auth.required"


class ApiMutations:
    def __init__(self, resources: Resources, idempotency_key: str | None = None) -> None:
        self._resources = resources
        self._key = idempotency_key
        self._calls = 0  # mutations of this request so far: one key covers a whole document

    def _target(self, ctx: GraphQLContext, field: str) -> GraphQLContext:
        """A branch-agnostic kind has one copy, on main: its mutations go there from any branch."""
        kind = _kind_of(field)
        node = ctx.schema.nodes.get(kind)
        if ctx.branch_id == "main" or node is None or node.branch != "agnostic":
            return ctx
        settings = self._resources.settings
        view = View(branch="main", agnostic=agnostic_kinds(ctx.schema))
        return GraphQLContext(
            schema=ctx.schema, reader=GraphReader(self._resources.driver, settings.neo4j_database, view),
            branch_name="main", branch_id="main", actor=ctx.actor, mutations=ctx.mutations, roots=ctx.roots,
        )  # fmt: skip

    async def execute(self, ctx: GraphQLContext, field: str, args: dict[str, Any], *, answer_object: bool = True) -> Any:
        """Run one root mutation; counted in strata_mutations_total by field and outcome.
        `answer_object`: whether the field selects `object` (else it is not read back: a Neo4j
        read and the shaping, for a create that asks `ok` alone)."""
        outcome = "error"
        with _tracer.start_as_current_span(f"mutation {field}") as span:
            span.set_attribute("strata.branch_id", ctx.branch_id)
            try:
                answer = await self._execute(ctx, field, args, answer_object)
                outcome = "ok"
                return answer
            except StrataError as exc:
                outcome = exc.code
                raise
            finally:
                span.set_attribute("strata.outcome", outcome)
                MUTATIONS.labels(operation=field, outcome=outcome).inc()

    async def _execute(self, ctx: GraphQLContext, field: str, args: dict[str, Any], answer_object: bool) -> Any:
        if ctx.actor is None:
            raise AuthRequired("Authentication is required to perform this operation")
        if field in BRANCH_MUTATIONS:
            return await run_branch_mutation(self._resources, ctx, field, args)
        if field in SCHEMA_MUTATIONS:
            return await run_schema_mutation(self._resources, ctx, field, args)
        self._calls += 1
        mutation_id = mutation_id_for(ctx.actor, self._key, field, self._calls) if self._key else uuid.uuid4().hex
        stored = None
        try:
            if isinstance(upload := args.get("file"), UploadedFile):  # a file object's file: stored first
                stored = await store_upload(self._resources.contents, upload)
                args = {**args, "file": stored}
            return await self._decide_and_append(self._target(ctx, field), field, args, mutation_id, answer_object)
        except (ValidationFailed, ObjectNotFound):  # a MutationError is a ValidationFailed
            if stored is not None:  # refused before anything was appended: nothing refers to the file
                await self._resources.contents.delete(stored.storage_id)
            raise
        except (nats.errors.Error, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
            # the store or the graph is down or restarting: say so; the client may retry (with
            # an Idempotency-Key, a retry of a mutation that was in fact stored is not applied twice)
            raise StoreUnavailable(f"{field}: the event store or the graph is unavailable, retry later ({type(exc).__name__})") from exc

    async def _decide_and_append(
        self, ctx: GraphQLContext, field: str, args: dict[str, Any], mutation_id: str, answer_object: bool
    ) -> Any:
        store = self._resources.store
        # decided and appended in the branch's turn: this process's writers queue, not collide
        async for attempt in write_attempts(store.turns, ctx.branch_id, _ATTEMPTS):
            async with attempt:  # another process's write moving the head ends it: decide again
                head = await store.head(ctx.branch_id)
                # decide on the state at the head we will guard on: the read model once it holds
                # it, or now with this process's own unprojected mutations laid over it
                prior = self._prior(ctx, field, args, head)
                if prior is None:
                    await self._resources.wait_projected(ctx.branch_id, head)
                ctx.reader.forget()
                if self._key and (stored := await self._stored_answer(ctx, field, mutation_id)) is not None:
                    return stored
                try:
                    try:
                        decision = await dispatch(ctx, field, args, prior or ())
                    except UnsureWithoutProjection:
                        await self._resources.wait_projected(ctx.branch_id, head)
                        ctx.reader.forget()
                        prior = None
                        decision = await dispatch(ctx, field, args)
                except MutationError:
                    # the read model may be past `head`: a request with the same key stored meanwhile
                    # (its object now holds the unique values) is this request's answer, not a refusal
                    if self._key and (stored := await self._stored_answer(ctx, field, mutation_id)) is not None:
                        return stored
                    raise
                if not decision.events:
                    if prior:  # the answer reads the object as of the head
                        await self._resources.wait_projected(ctx.branch_id, head)
                        ctx.reader.forget()
                    row = await ctx.reader.get(decision.object_id) if decision.object_id and answer_object else None
                    return decision.payload((await shape_rows(ctx, [row]))[0] if row else None)
                names = self._resources.names
                pending = [PendingEvent(names.node_subject(ctx.branch_id, e.node_id), e) for e in decision.events]
                result = await store.append(
                    ctx.branch_id,
                    pending,
                    expected_head=head,
                    mutation_id=mutation_id,
                    actor=ctx.actor,
                    operation=field,
                )
                if not result.duplicate:  # the next writer may decide on it
                    self._resources.in_flight.add(
                        ctx.branch_id, result.head_seq - result.count + 1, result.head_seq, decision.events
                    )
            if attempt.conflicted:
                continue
            await self._resources.wait_projected(ctx.branch_id, result.head_seq, appended=True)
            self._resources.in_flight.settle(ctx.branch_id, result.head_seq)
            ctx.reader.forget()
            # the same key's mutation was stored meanwhile: answer from it
            if result.duplicate and (stored := await self._stored_answer(ctx, field, mutation_id)) is not None:
                return stored
            shaped = None
            if decision.object_id and answer_object:
                row = await ctx.reader.get(decision.object_id)
                shaped = (await shape_rows(ctx, [row]))[0] if row else {"id": decision.object_id}
            return decision.payload(shaped)
        raise ConcurrencyConflict(f"branch {ctx.branch_name} kept moving; {field} gave up")

    def _prior(self, ctx: GraphQLContext, field: str, args: dict[str, Any], head: int) -> list[NodeEvent] | None:
        """This process's mutations between the read model and `head`, when they are all of them
        and `field` may be decided with them laid over the model (`in_flight.py`); else None."""
        if self._key or not overlay_allowed(field, args, ctx):  # a keyed request checks its key in the model
            return None
        projected = self._resources.projected_seq(ctx.branch_id)
        return self._resources.in_flight.covering(ctx.branch_id, projected, head)

    async def _stored_answer(self, ctx: GraphQLContext, field: str, mutation_id: str) -> dict[str, Any] | None:
        """The answer of the mutation stored under `mutation_id`, None if none is."""
        seq = await committed_seq(self._resources, ctx.branch_id, mutation_id)
        if seq is None:
            return None
        if not field.endswith(("Create", "Update", "Upsert")):
            return {"ok": True}
        object_id, _ = await object_of_commit(self._resources, ctx.branch_id, seq, _kind_of(field))
        row = await ctx.reader.get(object_id) if object_id else None
        shaped = (await shape_rows(ctx, [row]))[0] if row else ({"id": object_id} if object_id else None)
        return {"ok": True, "object": shaped}


def _kind_of(field: str) -> str:
    return next((field[: -len(s)] for s in ("Create", "Update", "Upsert", "Delete") if field.endswith(s)), "")
