"""Branches: create with 1k and 100k objects on main; diff and merge of 1k and 10k changes;
server memory and CPU with many open branches (the CPU while they are quiet).

Objects are written straight to the event store in atomic batches of 10,000 events (one
GraphQL request each would take longer than the figures measured)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

import httpx
import nats

from strata_cli.bench.api_harness import TOKEN_HEADERS, running_strata
from strata_cli.bench.figures import percentile, print_row, print_title
from strata_cli.bench.floors import mutations_of, raw_publish_ms
from strata_cli.bench.graphql_bench import SCHEMA, _fill
from strata_events import AttributeValue, BranchCreated, NodeUpdated
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.records import PendingEvent
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import wipe_graph
from strata_graph.projection import GraphProjection

__all__ = ["bench_branches"]

_BATCH = 10_000  # events per atomic batch when filling (the store's limit is 19,999)
_CREATES = 40  # BranchCreate round trips timed per size, back to back (the p50 is printed; 10 were too few for a steady one)
_QUIET_BEFORE_CREATE_S = 0.1  # after the create before is projected, before an isolated create is timed
_RECOMPUTED = 5  # diffs computed again, each after a write on the branch (the first diff runs on a colder server)
_SETTLE_S = 3.0  # after the last create, before the quiet CPU is measured
_QUIET_S = 10.0  # seconds of quiet CPU measured with the open branches


async def _gql(client: httpx.AsyncClient, query: str, branch: str = "main") -> dict[str, Any]:
    body: dict[str, Any] = (await client.post(f"/graphql/{branch}", json={"query": query}, headers=TOKEN_HEADERS)).json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body


async def created_branch(client: httpx.AsyncClient, name: str) -> str:
    """The id of a branch made through the API, once the read model holds it (and so its stream,
    made by the projector) for the benchmark's appends straight to that stream."""
    body = await _gql(client, 'mutation { BranchCreate(data: {name: "%s"}) { object { id } } }' % name)
    await _gql(client, "query { Branch { name } }", name)  # naming the branch waits for its projection
    return str(body["data"]["BranchCreate"]["object"]["id"])


async def _branch_with_changes(client: httpx.AsyncClient, store: EventStore, name: str, targets: list[str]) -> None:
    """A branch updating each of `targets` once (to a value naming the branch: never one main
    holds already), appended straight to its stream and projected."""
    branch_id = await created_branch(client, name)
    head = await store.head(branch_id)
    for start in range(0, len(targets), _BATCH):
        events = [PendingEvent(store.names.node_subject(branch_id, uid), NodeUpdated(
            node_id=uid, kind="BenchDevice", attributes={"serial": AttributeValue(value=f"{name} {start + i}")}))
            for i, uid in enumerate(targets[start : start + _BATCH])]  # fmt: skip
        head = (await store.append(branch_id, events, expected_head=head)).head_seq
    # a write on the branch returns once the branch is projected up to it (one more object in the diff)
    await _gql(client, 'mutation { BuiltinTagCreate(data: {name: {value: "barrier-%s"}}) { ok } }' % name, name)


async def _isolated_creates(client: httpx.AsyncClient, prefix: str) -> list[float]:
    """Milliseconds of `_CREATES` BranchCreate round trips, each timed alone: after the one before
    is projected (the projector has made its stream and folded it) and a short quiet. Back to
    back, each create also pays for the projector's and NATS's work on the one before it."""
    times = []
    for i in range(_CREATES):
        name = f"{prefix}-{i}"
        times.append((await _timed(_gql(client, 'mutation { BranchCreate(data: {name: "%s"}) { ok } }' % name)))[0])
        await _gql(client, "query { Branch { name } }", name)  # naming the branch waits for its projection
        await asyncio.sleep(_QUIET_BEFORE_CREATE_S)
    return times


async def _timed(coro: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await coro
    return (time.perf_counter() - started) * 1000, result


async def _projected(neo4j_uri: str, store: EventStore, branch_id: str) -> None:
    """Wait, showing progress, until the projector has the branch up to its head (filling 100k
    objects outlasts the API's read-your-writes timeout)."""
    head = await store.head(branch_id)
    driver = open_driver_at(neo4j_uri)
    projection = GraphProjection(driver, "neo4j")
    try:
        while (done := await projection.checkpoint(store.names.stream(branch_id))) < head:
            print(f"bench: projected {done:,} / {head:,}", file=sys.stderr, flush=True)
            await asyncio.sleep(5)
    finally:
        await driver.close()


async def _wipe(neo4j_uri: str) -> None:
    """Each case starts from an empty graph: the runs share one Neo4j, and every run's main is `main`."""
    driver = open_driver_at(neo4j_uri)
    try:
        await wipe_graph(driver, "neo4j")
    finally:
        await driver.close()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _quiet_cpu_percent(server_pids: dict[str, int], seconds: float) -> dict[str, float]:
    """Each server's CPU use while nothing is asked of Strata, in % of one core: what the
    projector's idle pulls and stream listings cost it."""
    await asyncio.sleep(_SETTLE_S)  # the streams and consumers the last creates set off
    before = {name: _cpu_seconds(pid) for name, pid in server_pids.items()}
    await asyncio.sleep(seconds)
    return {name: (_cpu_seconds(pid) - before[name]) * 100 / seconds for name, pid in server_pids.items()}


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def bench_branches(nats_url: str, neo4j_uri: str, *, main_sizes: list[int], changes: list[int],
                         open_branches: int, server_pids: dict[str, int]) -> None:  # fmt: skip
    for size in main_sizes:
        await _wipe(neo4j_uri)
        async with running_strata(nats_url, neo4j_uri) as (client, settings):
            assert (await client.post("/api/schema/load?branch=main", json=SCHEMA, headers=TOKEN_HEADERS)).status_code == 200
            nc = await nats.connect(nats_url)
            store = EventStore(nc, StreamNames(prefix=settings.stream_prefix))
            site = (await _gql(client, 'mutation { BenchSiteCreate(data: {name: {value: "s"}}) { object { id } } }'))["data"]["BenchSiteCreate"]["object"]["id"]
            tag = (await _gql(client, 'mutation { BuiltinTagCreate(data: {name: {value: "t"}}) { object { id } } }'))["data"]["BuiltinTagCreate"]["object"]["id"]
            started = time.perf_counter()
            ids = await _fill(store, 0, size, site, tag, batch=_BATCH)
            await _projected(neo4j_uri, store, "main")
            await _gql(client, 'mutation { BuiltinTagCreate(data: {name: {value: "barrier"}}) { ok } }')  # waits for the projection
            filled_s = time.perf_counter() - started
            print_title(f"branches with {size:,} objects on main")
            print_row("fill: appended and projected (objects/s)", size / filled_s, "obj/s")
            before_creates = await store.last_seq("main")
            creates = [(await _timed(_gql(client, 'mutation { BranchCreate(data: {name: "bench-create-%d"}) { ok } }' % i)))[0]
                       for i in range(_CREATES)]  # fmt: skip
            created = [g for g in mutations_of(await store.read_range("main", before_creates + 1))
                       if isinstance(g[0].event, BranchCreated)]  # fmt: skip
            alone = await _isolated_creates(client, "bench-alone")
            # measured last, once the projector is done with the creates (just after them, it
            # raced their streams' creation and doubled or tripled)
            floor_ms = percentile(await raw_publish_ms(nc, created, read_head=True), 50)
            print_row(f"branch create p50 of {_CREATES} back to back (BranchCreate round trip)",
                      percentile(creates, 50), "ms", floor=floor_ms)  # fmt: skip
            print_row(f"branch create min of {_CREATES} back to back", min(creates), "ms")
            print_row(f"branch create p50 of {_CREATES}, each alone (the one before projected, then "
                      f"{_QUIET_BEFORE_CREATE_S * 1000:.0f} ms quiet)", percentile(alone, 50), "ms", floor=floor_ms)  # fmt: skip
            print_row(f"branch create slowest of {_CREATES}, each alone", max(alone), "ms")
            print_row(f"floor: p50 of {len(created)} raw head reads and atomic batches of their two messages",
                      floor_ms, "ms")  # fmt: skip
            used = 0
            for count in changes:
                # objects no earlier case changed (wrapping round when main holds fewer than asked)
                targets = [ids[(used + i) % len(ids)] for i in range(2 * count)]
                used += 2 * count
                name = f"bench-{count}"
                await _branch_with_changes(client, store, name, targets[:count])
                diff_ms, response = await _timed(client.get(f"/api/diff/data?branch={name}"))
                num_updated = response.json().get("num_updated")
                again_ms, _ = await _timed(client.get(f"/api/diff/data?branch={name}"))
                recomputed = []  # each after one more write on the branch: computed, on a warmer server
                for i in range(_RECOMPUTED):
                    await _gql(client, 'mutation { BuiltinTagCreate(data: {name: {value: "more-%s-%d"}}) { ok } }' % (name, i), name)
                    recomputed.append((await _timed(client.get(f"/api/diff/data?branch={name}")))[0])
                merge_ms, _ = await _timed(_gql(client, 'mutation { BranchMerge(data: {name: "%s"}) { ok } }' % name))
                # the same work on other objects, merged without its diff read before
                await _branch_with_changes(client, store, f"{name}-cold", targets[count:])
                cold_ms, _ = await _timed(_gql(client, 'mutation { BranchMerge(data: {name: "%s-cold"}) { ok } }' % name))
                print_row(f"diff of {count:,} changes ({num_updated} objects updated)", diff_ms, "ms")
                print_row(f"diff of {count:,} changes, asked again (its change set reused)", again_ms, "ms")
                print_row(f"diff of {count:,} changes, computed again after a write on the branch: p50 of {_RECOMPUTED}",
                          percentile(recomputed, 50), "ms")  # fmt: skip
                print_row(f"merge of {count:,} changes after its diff (one atomic batch, projected)", merge_ms, "ms")
                print_row(f"merge of {count:,} changes, no diff read before it", cold_ms, "ms")
            await nc.close()
    await _wipe(neo4j_uri)
    async with running_strata(nats_url, neo4j_uri) as (client, _settings):
        before = {name: _rss_mib(pid) for name, pid in server_pids.items()}
        started = time.perf_counter()
        for i in range(open_branches):
            await _gql(client, 'mutation { BranchCreate(data: {name: "open-%d"}) { ok } }' % i)
            if (i + 1) % 100 == 0:
                print(f"bench: {i + 1:,} / {open_branches:,} branches created", file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - started
        print_title(f"{open_branches:,} open branches")
        print_row("branch creates per second", open_branches / elapsed, "/s")
        for name, pid in server_pids.items():
            print_row(f"{name} RSS before -> after (MiB)", _rss_mib(pid), "MiB", floor=before[name])
        for name, share in (await _quiet_cpu_percent(server_pids, _QUIET_S)).items():
            print_row(f"{name} CPU with the branches quiet ({_QUIET_S:.0f} s)", share, "% of a core")
