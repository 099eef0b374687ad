"""Diff and merge of interface changes on the schema-library base schemas: a kind with a
multi-field uniqueness constraint (device + name), which every merged interface is checked
against. The other branch cases use a small schema without one."""

from __future__ import annotations

import time

from strata_cli.bench.api_harness import strata_with_base_schemas
from strata_cli.bench.branch_bench import _gql, _timed, created_branch
from strata_cli.bench.dataset import generate
from strata_cli.bench.figures import print_row, print_title
from strata_cli.bench.list_bench import _barrier, append_objects
from strata_events import AttributeValue, NodeUpdated
from strata_eventstore.records import PendingEvent

__all__ = ["bench_interface_merge"]

_KIND = "InterfacePhysical"


async def bench_interface_merge(nats_url: str, neo4j_uri: str, *, main_size: int, changes: list[int]) -> None:
    """One branch per count in `changes`, each updating that many interfaces' description."""
    async with strata_with_base_schemas(nats_url, neo4j_uri) as (client, store):
        objects = generate(main_size)
        started = time.perf_counter()
        await append_objects(store, "main", objects)
        await _barrier(client, "filled")
        filled_s = time.perf_counter() - started
        interfaces = [o for o in objects if o.kind == _KIND]
        print_title(f"interface changes, base schemas, {main_size:,} objects on main")
        print_row("fill: appended and projected (objects/s)", main_size / filled_s, "obj/s")
        used = 0
        for count in changes:
            name = f"interfaces-{count}"
            branch_id = await created_branch(client, name)
            targets = [interfaces[(used + i) % len(interfaces)] for i in range(count)]
            used += count
            events = [PendingEvent(store.names.node_subject(branch_id, o.uid), NodeUpdated(
                node_id=o.uid, kind=_KIND, attributes={"description": AttributeValue(value=f"{name} {i}")}))
                for i, o in enumerate(targets)]  # fmt: skip
            await store.append(branch_id, events, expected_head=await store.head(branch_id))
            await _barrier(client, f"barrier-{name}", name)
            diff_ms, _ = await _timed(client.get(f"/api/diff/data?branch={name}"))
            again_ms, _ = await _timed(client.get(f"/api/diff/data?branch={name}"))
            merge_ms, _ = await _timed(_gql(client, 'mutation { BranchMerge(data: {name: "%s"}) { ok } }' % name))
            print_row(f"diff of {count:,} interface changes", diff_ms, "ms")
            print_row(f"diff of {count:,} interface changes, asked again (its change set reused)", again_ms, "ms")
            print_row(f"merge of {count:,} interface changes after its diff (uniqueness re-checked, projected)", merge_ms, "ms")
