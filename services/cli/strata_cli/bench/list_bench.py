"""List: 1,000 interfaces (5 attributes, 2 relationships) through GraphQL as the graph grows,
on main and on a branch with 1,000 changes, beside the raw Cypher read of the same page."""

from __future__ import annotations

import time
from typing import Any

import httpx
from neo4j import AsyncDriver

from strata_cli.bench.api_harness import TOKEN_HEADERS, strata_with_base_schemas
from strata_cli.bench.branch_bench import created_branch
from strata_cli.bench.dataset import SeedObject, generate, node_created
from strata_cli.bench.figures import percentile, record
from strata_events import AttributeValue, NodeUpdated
from strata_eventstore import EventStore
from strata_eventstore.records import PendingEvent
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import wipe_graph
from strata_graph.views import View
from strata_graphql.runtime.reader import GraphReader
from strata_graphql.runtime.row_versions import RowVersions
from strata_service.branches import BranchDirectory

__all__ = ["LIST_QUERY", "append_objects", "bench_list"]

KIND = "InterfacePhysical"
LIST_QUERY = """query { InterfacePhysical(limit: 1000) { count edges { node { id display_label
  name { value } description { value } mtu { value } status { value } role { value }
  device { node { id display_label } } tags { count edges { node { id } } } } } } }"""


async def _gql(client: httpx.AsyncClient, query: str, branch: str = "main") -> dict[str, Any]:
    body: dict[str, Any] = (await client.post(f"/graphql/{branch}", json={"query": query}, headers=TOKEN_HEADERS)).json()
    if body.get("errors"):
        raise RuntimeError(str(body["errors"])[:500])
    return body


async def append_objects(store: EventStore, branch_id: str, objects: list[SeedObject], batch: int = 1000) -> None:
    """The objects' creation events appended straight to the branch (no API), `batch` a mutation."""
    head = await store.head(branch_id)
    for start in range(0, len(objects), batch):
        events = [PendingEvent(store.names.node_subject(branch_id, o.uid), node_created(o))
                  for o in objects[start : start + batch]]  # fmt: skip
        head = (await store.append(branch_id, events, expected_head=head)).head_seq


async def _barrier(client: httpx.AsyncClient, tag: str, branch: str = "main") -> None:
    """A write through the API waits until the projector caught up with everything before it."""
    await _gql(client, 'mutation { BuiltinTagCreate(data: {name: {value: "%s"}}) { ok } }' % tag, branch)


async def _measure(client: httpx.AsyncClient, driver: AsyncDriver, view: View, branch: str, reads: int,
                   size: int, where: str, expected: int, *, warm_up: int = 0) -> None:  # fmt: skip
    """`reads` timed lists and floor reads, after `warm_up` of each not timed. The floor reads
    the page cold, as a reader holding no rows: one statement answering every row and peer with
    its content (the API is sent only what changed since its last read of the page,
    `strata_graphql.runtime.row_versions`). Each list is timed twice: to its answer decoded, as
    a client has it, and to the answer's last byte."""
    times, received, floor = [], [], []
    for _ in range(warm_up + reads):
        t0 = time.perf_counter()
        response = await client.post(f"/graphql/{branch}", json={"query": LIST_QUERY}, headers=TOKEN_HEADERS)
        received.append((time.perf_counter() - t0) * 1000)
        body = response.json()
        times.append((time.perf_counter() - t0) * 1000)
        if body.get("errors"):
            raise RuntimeError(str(body["errors"])[:500])
        if len(body["data"][KIND]["edges"]) != expected:
            raise RuntimeError(f"expected {expected:,} interfaces, got {len(body['data'][KIND]['edges'])}")
        reader = GraphReader(driver, "neo4j", view, row_versions=RowVersions())
        t0 = time.perf_counter()
        await reader.page([KIND], order=["v_name"], limit=1000)
        floor.append((time.perf_counter() - t0) * 1000)
    times, received, floor = times[warm_up:], received[warm_up:], floor[warm_up:]
    record(f"list 1,000 interfaces {where}: p50", percentile(times, 50), "ms", size=size, floor=percentile(floor, 50))
    record(f"list 1,000 interfaces {where}: p99", percentile(times, 99), "ms", size=size, floor=percentile(floor, 99))
    # the figures above include the client's JSON decoding of the ~340 KB answer (as a user's
    # client pays it); this one ends at the answer's last byte: the server's part
    record(f"list 1,000 interfaces {where}, to the answer's last byte: p50", percentile(received, 50), "ms", size=size,
           floor=percentile(floor, 50))  # fmt: skip


async def _measure_changed(client: httpx.AsyncClient, store: EventStore, reads: int, size: int) -> None:
    """`reads` lists on main, each after every object it lists was changed: none of their rows
    is held, as on the first list of a new API process (the peers, unchanged, are)."""
    times = []
    for i in range(reads):
        listed = (await _gql(client, LIST_QUERY))["data"][KIND]["edges"]
        head = await store.head("main")
        events = [PendingEvent(store.names.node_subject("main", e["node"]["id"]), NodeUpdated(
            node_id=e["node"]["id"], kind=KIND, attributes={"description": AttributeValue(value=f"listed {i}")}))
            for e in listed]  # fmt: skip
        await store.append("main", events, expected_head=head)
        await _barrier(client, f"changed-{size}-{i}")
        t0 = time.perf_counter()
        body = await _gql(client, LIST_QUERY)
        times.append((time.perf_counter() - t0) * 1000)
        if any(e["node"]["description"]["value"] != f"listed {i}" for e in body["data"][KIND]["edges"]):
            raise RuntimeError("the list after the change does not show it")
    record("list 1,000 interfaces on main, each changed since the list before: p50", percentile(times, 50), "ms",
           size=size)  # fmt: skip


async def bench_list(nats_url: str, neo4j_uri: str, *, sizes: list[int], reads: int, branch_changes: int) -> None:
    driver = open_driver_at(neo4j_uri)
    await wipe_graph(driver, "neo4j")
    directory = BranchDirectory(driver, "neo4j")
    objects = generate(max(sizes))
    async with strata_with_base_schemas(nats_url, neo4j_uri) as (client, store):
        filled = 0
        for size in sorted(sizes):
            await append_objects(store, "main", objects[filled:size])
            filled = size
            await _barrier(client, f"sync-{size}")
            expected = min(1000, sum(1 for o in objects[:size] if o.kind == KIND))
            # the first size runs on a Neo4j just started, still compiling its hot code
            await _measure(client, driver, (await directory.resolve("main")).current_view(), "main", reads, size,
                           "on main", expected, warm_up=reads if size == min(sizes) else 0)  # fmt: skip
            await _measure_changed(client, store, max(3, reads // 4), size)
            name = f"list-{size}"
            branch_id = await created_branch(client, name)
            interfaces = [o for o in objects[:size] if o.kind == KIND][:branch_changes]
            head = await store.head(branch_id)
            for start in range(0, len(interfaces), 1000):
                events = [PendingEvent(store.names.node_subject(branch_id, o.uid), NodeUpdated(
                    node_id=o.uid, kind=KIND, attributes={"description": AttributeValue(value=f"changed {i}")}))
                    for i, o in enumerate(interfaces[start : start + 1000])]  # fmt: skip
                head = (await store.append(branch_id, events, expected_head=head)).head_seq
            await _barrier(client, f"branch-sync-{size}", name)
            view = (await directory.resolve(name)).current_view()
            await _measure(client, driver, view, name, reads, size,
                           f"on a branch with {len(interfaces):,} changes", expected)  # fmt: skip
    await driver.close()
