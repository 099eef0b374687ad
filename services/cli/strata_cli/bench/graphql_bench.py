"""GraphQL: one create per request (objects/s, p50/p99) beside a bare single-event append, and
listing 1,000 objects (5 attributes, 2 relationships) as the graph grows, beside the bare Cypher
read of the same page."""

from __future__ import annotations

import time
import uuid
from typing import Any

import nats

from strata_cli.bench.api_harness import TOKEN_HEADERS, running_strata
from strata_cli.bench.figures import percentile, print_row, print_title
from strata_events import AttributeValue, NodeCreated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_graph.driver import open_driver_at
from strata_graphql.runtime.reader import GraphReader
from strata_graph.views import View

__all__ = ["bench_graphql"]

SCHEMA = {"schemas": [{"version": "1.0", "nodes": [
    {"name": "Site", "namespace": "Bench", "default_filter": "name__value", "human_friendly_id": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True}]},
    {"name": "Device", "namespace": "Bench", "order_by": ["name__value"], "display_labels": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text"}, {"name": "serial", "kind": "Text", "optional": True},
                    {"name": "height", "kind": "Number", "optional": True},
                    {"name": "status", "kind": "Text", "optional": True},
                    {"name": "role", "kind": "Text", "optional": True}],
     "relationships": [{"name": "site", "peer": "BenchSite", "cardinality": "one", "optional": True},
                       {"name": "tags", "peer": "BuiltinTag", "cardinality": "many", "optional": True}]},
]}]}  # fmt: skip

LIST = """query { BenchDevice(limit: 1000) { count edges { node { id display_label
  name { value } serial { value } height { value } status { value } role { value }
  site { node { id display_label } } tags { count edges { node { id } } } } } } }"""


async def _fill(store: EventStore, start: int, count: int, site: str, tag: str, *, batch: int = 1000) -> list[str]:
    """`count` devices on main in atomic batches of `batch` events; returns their ids."""
    head = await store.head("main")
    ids: list[str] = []
    for chunk in range(start, start + count, batch):
        events = []
        for i in range(chunk, min(chunk + batch, start + count)):
            uid = str(uuid.uuid4())
            ids.append(uid)
            attrs = {"name": AttributeValue(value=f"dev-{i:07d}"), "serial": AttributeValue(value=f"SN{i}"),
                     "height": AttributeValue(value=i % 48), "status": AttributeValue(value="active"),
                     "role": AttributeValue(value="leaf")}  # fmt: skip
            event = NodeCreated(node_id=uid, kind="BenchDevice", attributes=attrs,
                                relationships={"site": [site], "tags": [tag]})  # fmt: skip
            events.append(PendingEvent(store.names.node_subject("main", uid), event))
        head = (await store.append("main", events, expected_head=head)).head_seq
    return ids


async def _mutate(client: Any, query: str) -> dict[str, Any]:
    response = await client.post("/graphql/main", json={"query": query}, headers=TOKEN_HEADERS)
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body


async def _bulk(client: Any, count: int, site: str) -> float:
    """One mutation document with `count` aliased creates: one atomic batch. Returns objects/s."""
    fields = "\n".join(
        'c%d: BenchDeviceCreate(data: {name: {value: "bulk-%d"}, site: {id: "%s"}}) { ok }' % (i, i, site)
        for i in range(count)
    )
    started = time.perf_counter()
    body = await _mutate(client, "mutation {\n%s\n}" % fields)
    assert len(body["data"]) == count
    return count / (time.perf_counter() - started)


async def bench_graphql(
    nats_url: str, neo4j_uri: str, *, creates: int, sizes: list[int], reads: int, bulk: int
) -> None:
    async with running_strata(nats_url, neo4j_uri) as (client, settings):
        assert (await client.post("/api/schema/load?branch=main", json=SCHEMA, headers=TOKEN_HEADERS)).status_code == 200
        site = (await _mutate(client, 'mutation { BenchSiteCreate(data: {name: {value: "s1"}}) { object { id } } }'))["data"]["BenchSiteCreate"]["object"]["id"]
        tag = (await _mutate(client, 'mutation { BuiltinTagCreate(data: {name: {value: "t1"}}) { object { id } } }'))["data"]["BuiltinTagCreate"]["object"]["id"]
        print_title(f"GraphQL: one create per request ({creates} requests, read-your-writes)")
        latencies = []
        started = time.perf_counter()
        for i in range(creates):
            t0 = time.perf_counter()
            await _mutate(client, 'mutation { BenchDeviceCreate(data: {name: {value: "c-%d"}, site: {id: "%s"}, tags: [{id: "%s"}]}) { ok object { id } } }' % (i, site, tag))
            latencies.append((time.perf_counter() - t0) * 1000)
        rate = creates / (time.perf_counter() - started)
        print_title(f"GraphQL: bulk create of {bulk:,} objects in one request (one atomic batch)")
        print_row("objects/s (compare: one per request above)", await _bulk(client, bulk, site), "obj/s")
        nc = await nats.connect(nats_url)
        store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
        raw = []
        for _ in range(50):
            uid = uuid.uuid4().hex
            t0 = time.perf_counter()
            await store.append("main", [PendingEvent(store.names.node_subject("main", uid),
                               NodeCreated(node_id=uid, kind="BenchProbe"))], expected_head=None)  # fmt: skip
            raw.append((time.perf_counter() - t0) * 1000)
        print_row("objects/s", rate, "obj/s", floor=1000 / percentile(raw, 50))
        print_row("create p50", percentile(latencies, 50), "ms", floor=percentile(raw, 50))
        print_row("create p99", percentile(latencies, 99), "ms")
        print_row("bare append of one event p50 (the floor)", percentile(raw, 50), "ms")
        driver = open_driver_at(neo4j_uri)
        filled = 0
        for size in sizes:
            await _fill(store, filled, size - filled, site, tag)
            filled = size
            await _mutate(client, 'mutation { BuiltinTagCreate(data: {name: {value: "sync-%d"}}) { ok } }' % size)  # read-your-writes barrier
            print_title(f"GraphQL: list 1,000 devices (5 attributes, 2 relationships), {size + creates:,} in the graph")
            times, floor = [], []
            for _ in range(reads):
                t0 = time.perf_counter()
                body = (await client.post("/graphql/main", json={"query": LIST})).json()
                times.append((time.perf_counter() - t0) * 1000)
                assert len(body["data"]["BenchDevice"]["edges"]) == 1000
                t0 = time.perf_counter()
                await GraphReader(driver, "neo4j", View(branch="main")).page(["BenchDevice"], order=["v_name"], limit=1000)
                floor.append((time.perf_counter() - t0) * 1000)
            print_row("list p50", percentile(times, 50), "ms", floor=percentile(floor, 50))
            print_row("list p99", percentile(times, 99), "ms")
            print_row("bare Cypher page read p50 (the floor)", percentile(floor, 50), "ms")
        await driver.close()
        await nc.close()
