"""What `strata dev status` reports: each component up or not, and the projector's lag."""

from __future__ import annotations

from typing import Any

import msgspec
import nats
import nats.errors
import nats.js.errors
from strata_graph.driver import open_driver

from strata_cli.paths import StackPaths
from strata_cli.processes import is_running, read_pid
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_eventstore.connection import connect_nats
from strata_eventstore.status_bucket import open_status_bucket

__all__ = ["collect_status", "projector_caught_up"]


async def _quiet(_: Exception) -> None:
    """The probe reports a refused connection itself; nats-py's default logs each attempt."""


async def _projector_report(settings: Settings) -> dict[str, Any]:
    # One attempt and no reconnection: nats-py reads max_reconnect_attempts=0 as "forever",
    # which made `strata dev status` hang while NATS was down.
    nc = await connect_nats(
        settings, connect_timeout=2, allow_reconnect=False, max_reconnect_attempts=1, error_cb=_quiet
    )
    try:
        js = nc.jetstream()
        names = StreamNames(prefix=settings.stream_prefix)
        kv = await open_status_bucket(js, names, settings.stream_replicas)
        streams: dict[str, Any] = {}
        for key in await kv.keys():
            entry = await kv.get(key)
            streams[key] = msgspec.json.decode(entry.value or b"{}")
        store = EventStore(nc, names)
        main_head = await store.head("main")
        return {"streams": streams, "main_head": main_head}
    finally:
        await nc.close()


async def projector_caught_up(settings: Settings) -> bool:
    try:
        report = await _projector_report(settings)
    except (nats.errors.Error, nats.js.errors.Error, OSError):
        return False
    main = report["streams"].get("projector.main")
    return bool(main and report["main_head"] > 0 and main["checkpoint"] >= report["main_head"])


async def collect_status(settings: Settings, paths: StackPaths, api_up: bool) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for component in ("nats", "neo4j", "projector", "worker", "api"):
        pid = read_pid(paths.pid_file(component))
        report[component] = {"pid": pid, "up": is_running(pid)}
    try:
        report["projector"].update(await _projector_report(settings))
    except (nats.errors.Error, nats.js.errors.Error, OSError) as exc:
        report["nats"]["up"] = False
        report["nats"]["error"] = str(exc)
    try:
        async with open_driver(settings) as driver:
            await driver.verify_connectivity()
    except Exception as exc:  # noqa: BLE001 - any failure means "not up"; reported as text
        report["neo4j"]["up"] = False
        report["neo4j"]["error"] = str(exc)
    report["api"]["up"] = report["api"]["up"] and api_up
    report["api"]["url"] = settings.api_url
    return report
