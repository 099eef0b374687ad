"""Empties event streams, KV buckets and the graph (the services are stopped meanwhile)."""

from __future__ import annotations

import nats
import nats.js.errors
from strata_graph.driver import open_driver

from strata_core.settings import Settings
from strata_eventstore.connection import connect_nats
from strata_graph.maintenance import wipe_graph
from strata_eventstore.stream_listing import all_stream_infos

__all__ = ["wipe_state"]


async def wipe_state(settings: Settings) -> None:
    nc = await connect_nats(settings)
    try:
        js = nc.jetstream()
        prefix = settings.stream_prefix
        for info in await all_stream_infos(js):
            name = info.config.name or ""
            if name.startswith((f"{prefix}_", f"KV_{prefix}_", f"OBJ_{prefix}_")):  # streams, KV, object store
                try:
                    await js.delete_stream(name)
                except nats.js.errors.NotFoundError:
                    pass
    finally:
        await nc.close()
    driver = open_driver(settings)
    try:
        await wipe_graph(driver, settings.neo4j_database)
    finally:
        await driver.close()
