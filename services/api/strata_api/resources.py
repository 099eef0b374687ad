"""Connections and services the API holds for its lifetime."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec
import structlog
from nats.aio.client import Client
from neo4j import AsyncDriver, Driver, GraphDatabase

from strata_api.in_flight import InFlightWrites
from strata_api.bootstrap import bootstrap_main
from strata_core.errors import StrataError
from strata_core.settings import Settings
from strata_eventstore.content_store import ContentStore
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.connection import connect_nats
from strata_eventstore.records import PendingEvent
from strata_graph.data_probe import GraphDataProbe
from strata_graph.driver import open_driver, read_records
from strata_graph.projection import GraphProjection
from strata_graphql.runtime.shaping import agnostic_kinds
from strata_graphql.runtime.documents import DocumentCache
from strata_graphql.sdl import GraphQLSchemaCache
from strata_schema import BranchSchema
from strata_service.auth import AuthService, seed_account_events
from strata_service.seed_roles import SUPER_ADMINISTRATORS_GROUP_ID, super_administrators_events
from strata_eventstore.kv_locks import KvLocks
from strata_eventstore.login_failures import LoginFailures
from strata_service.branch_service import BranchService
from strata_service.merge_service import MergeService
from strata_service.branches import BranchDirectory, BranchRef
from strata_service.consistency import ProjectionWaiter
from strata_service.schema_service import SchemaService, concrete_kinds_of

__all__ = ["Resources", "SDK_TEST_TOKEN", "branch_object"]

_log = structlog.get_logger("strata.api")

_LIST_BRANCHES = """
MATCH (b:Branch) WHERE b.deleted_seq IS NULL AND ($name IS NULL OR b.name = $name)
RETURN b.id AS id, b.name AS name, b.description AS description, b.origin AS origin,
       b.fork_time AS fork_time, b.sync_with_git AS sync_with_git, b.merged_seq AS merged_seq,
       b.id <> 'main' AND EXISTS { MATCH (:SchemaRec {branch: b.id}) } AS has_schema_changes
ORDER BY b.name
"""

# The API token infrahub-sdk's integration tests use; created only with seed_test_accounts.
SDK_TEST_TOKEN = "06438eb2-8019-4776-878c-0941b1f1d1ec"


def branch_object(row: Mapping[str, Any]) -> dict[str, Any]:
    """A branch as the `Branch` query answers it, from a row of `_LIST_BRANCHES`' columns."""
    return {
        "id": row["id"], "name": row["name"], "description": row["description"] or "",
        "origin_branch": row["origin"] or "main", "branched_from": row["fork_time"],
        "created_at": row["fork_time"], "is_default": row["id"] == "main",
        "sync_with_git": bool(row["sync_with_git"]), "has_schema_changes": bool(row["has_schema_changes"]),
        "graph_version": 1, "status": "MERGED" if row["merged_seq"] is not None else "OPEN",
        "is_isolated": True,
    }  # fmt: skip


class Resources:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.names = StreamNames(prefix=settings.stream_prefix)
        self._nc: Client | None = None
        self._store: EventStore | None = None
        self._driver: AsyncDriver | None = None
        self._sync_driver: Driver | None = None
        self._services: dict[str, Any] = {}
        self.graphql_cache = GraphQLSchemaCache(maxsize=8)
        self.graphql_documents = DocumentCache(maxsize=512)
        self.in_flight = InFlightWrites()  # mutations appended here, not yet seen projected
        self._warming: set[asyncio.Future[Any]] = set()
        self.deployment_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"strata:{settings.stream_prefix}"))

    @property
    def nc(self) -> Client:
        assert self._nc is not None, "resources not started"
        return self._nc

    @property
    def store(self) -> EventStore:
        assert self._store is not None, "resources not started"
        return self._store

    @property
    def driver(self) -> AsyncDriver:
        assert self._driver is not None, "resources not started"
        return self._driver

    @property
    def branches(self) -> BranchDirectory:
        service: BranchDirectory = self._services["branches"]
        return service

    @property
    def schemas(self) -> SchemaService:
        service: SchemaService = self._services["schemas"]
        return service

    @property
    def branch_service(self) -> BranchService:
        service: BranchService = self._services["branch_service"]
        return service

    @property
    def merges(self) -> MergeService:
        service: MergeService = self._services["merges"]
        return service

    @property
    def auth(self) -> AuthService:
        service: AuthService = self._services["auth"]
        return service

    @property
    def contents(self) -> ContentStore:
        service: ContentStore = self._services["contents"]
        return service

    def as_state(self) -> dict[str, Any]:
        return {"resources": self}

    def data_probe(self, ref: BranchRef, schema: BranchSchema) -> GraphDataProbe:
        """Questions about the branch's objects as the branch sees them (its own over main's)."""
        assert self._sync_driver is not None
        view = msgspec.structs.replace(ref.current_view(), agnostic=agnostic_kinds(schema))
        return GraphDataProbe(self._sync_driver, self.settings.neo4j_database, view, concrete_kinds_of(schema))

    async def wait_projected(self, branch_id: str, seq: int, *, appended: bool = False) -> None:
        """Read-your-writes; `appended`: the caller has just appended `seq` (see `ProjectionWaiter.wait`)."""
        waiter: ProjectionWaiter = self._services["waiter"]
        await waiter.wait(branch_id, seq, self.settings.read_your_writes_timeout_s, appended=appended)

    def projected_seq(self, branch_id: str) -> int:
        """How far the read model holds the branch, as far as this process has seen (at most behind)."""
        waiter: ProjectionWaiter = self._services["waiter"]
        return waiter.seen(branch_id)

    def warm_graphql_schema(self, schema: BranchSchema) -> None:
        """Build `schema`'s GraphQL schema in a thread now (0.8 s for the base schemas), so the
        first request after a load or a start does not wait for it on the event loop."""
        if schema.schema_hash in self.graphql_cache:
            return
        future = asyncio.get_running_loop().run_in_executor(None, self.graphql_cache.get, schema)
        self._warming.add(future)
        future.add_done_callback(self._warmed)

    def _warmed(self, future: asyncio.Future[Any]) -> None:
        self._warming.discard(future)
        if not future.cancelled() and future.exception() is not None:  # a request builds it again, and fails loudly
            _log.warning("graphql_schema_warm_failed", error=str(future.exception()))

    async def _catch_up_main(self) -> None:
        await self.wait_projected("main", await self.store.head("main"))

    async def branch_listing(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every branch not deleted, or just the one named `name`, including those created a
        moment ago (a create does not wait for its projection)."""
        await self._catch_up_main()
        records = await read_records(self.driver, self.settings.neo4j_database, _LIST_BRANCHES, name=name)
        return [branch_object(r) for r in records]

    async def start(self) -> None:
        s = self.settings
        self._nc = await connect_nats(s, max_reconnect_attempts=-1, reconnect_time_wait=0.5, name="strata-api")
        self._store = EventStore(
            self._nc, self.names, replicas=s.stream_replicas, duplicate_window_s=s.duplicate_window_s
        )
        self._driver = open_driver(s)
        failures = await LoginFailures.open(
            self._nc.jetstream(), self.names.kv_bucket("login_failures"), free=s.login_free_failures,
            max_delay_s=s.login_max_delay_s, replicas=s.stream_replicas,
        )  # fmt: skip
        self._sync_driver = GraphDatabase.driver(s.neo4j_uri, auth=s.neo4j_auth, notifications_min_severity="OFF")
        projection = GraphProjection(self._driver, s.neo4j_database)
        await projection.ensure_schema()  # the reads name their indexes (planner hints)
        self._services = {
            "branches": BranchDirectory(self._driver, s.neo4j_database, catch_up=self._catch_up_main),
            "schemas": SchemaService(self._store, self._driver, s.neo4j_database),
            "auth": AuthService(self._driver, s, failures),
            "waiter": ProjectionWaiter(self._nc, self.names, projection),
            "contents": ContentStore(self._nc.jetstream(), self.names, replicas=s.stream_replicas),
        }
        self._services["branch_service"] = BranchService(
            self._store, self._services["branches"], wait_main=lambda seq: self.wait_projected("main", seq)
        )
        locks = await KvLocks.open(self._nc.jetstream(), self.names.kv_bucket("locks"), s.stream_replicas)
        self._services["merges"] = MergeService(
            self._store, self._driver, s.neo4j_database, locks, wait_projected=self.wait_projected
        )
        extra: list[PendingEvent] = []
        if s.seed_test_accounts:
            admin = seed_account_events("admin", "infrahub", SDK_TEST_TOKEN, groups=[SUPER_ADMINISTRATORS_GROUP_ID])
            for event in [*admin, *super_administrators_events([admin[0].node_id])]:
                extra.append(PendingEvent(self.names.node_subject("main", event.node_id), event))
        await bootstrap_main(self._store, extra)
        # Serve only once the read model holds the built-in state (accounts, tokens); a
        # projector that is not up yet only delays this, it does not fail the start.
        try:
            await self.wait_projected("main", await self._store.head("main"))
        except StrataError:
            _log.warning("api_started_before_projection", head=await self._store.head("main"))
        self.warm_graphql_schema(await self.schemas.current(await self.branches.resolve("main")))

    async def stop(self) -> None:
        if self._nc is not None:
            await self._nc.drain()
        if self._driver is not None:
            await self._driver.close()
        if self._sync_driver is not None:
            self._sync_driver.close()
