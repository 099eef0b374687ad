"""`strata dev …`: the whole stack on one machine, no Docker: NATS, Neo4j, projector, API."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from strata_cli.paths import StackPaths
from strata_cli.processes import is_running, read_pid, spawn, terminate
from strata_cli.stack_reset import wipe_state
from strata_core.settings import Settings
from strata_stack.nats_runtime import NatsConfig, find_nats_server, wait_for_nats
from strata_stack.neo4j_runtime import (
    Neo4jConfig,
    ensure_neo4j_jars,
    find_java,
    neo4j_command,
    wait_for_bolt,
)

__all__ = ["DevStack"]

COMPONENTS = ("nats", "neo4j", "projector", "worker", "api")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class DevStack:
    settings: Settings

    @property
    def paths(self) -> StackPaths:
        return StackPaths(self.settings.data_path)

    def nats_config(self) -> NatsConfig:
        url = urlparse(self.settings.nats_url)
        return NatsConfig(
            config_file=self.paths.nats_config,
            store_dir=self.paths.nats_store,
            port=url.port or 4222,
            monitor_port=int(os.environ.get("STRATA_DEV_NATS_MONITOR_PORT", "8222")),
            host=url.hostname or "127.0.0.1",
        )

    def neo4j_config(self) -> Neo4jConfig:
        url = urlparse(self.settings.neo4j_uri)
        return Neo4jConfig(
            home=self.paths.neo4j_home,
            bolt_port=url.port or 7687,
            bolt_host=url.hostname or "127.0.0.1",
            heap=os.environ.get("STRATA_DEV_NEO4J_HEAP", "2g"),
            pagecache=os.environ.get("STRATA_DEV_NEO4J_PAGECACHE", "1g"),
        )

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["STRATA_DATA_DIR"] = str(self.settings.data_path)
        return env

    # -- start ---------------------------------------------------------------------------
    def start(self) -> None:
        paths = self.paths
        started = time.monotonic()
        if not is_running(read_pid(paths.pid_file("nats"))):
            cfg = self.nats_config()
            cfg.store_dir.mkdir(parents=True, exist_ok=True)
            spawn(
                [
                    str(find_nats_server()), "-c", str(cfg.config_file), "-a", cfg.host,
                    "-p", str(cfg.port), "-m", str(cfg.monitor_port), "--store_dir", str(cfg.store_dir),
                ],
                pid_file=paths.pid_file("nats"),
                log_file=paths.log_file("nats"),
            )  # fmt: skip
            _say(f"nats: starting on {self.settings.nats_url}")
        if not is_running(read_pid(paths.pid_file("neo4j"))):
            lib = ensure_neo4j_jars(paths.neo4j_pom_dir, paths.neo4j_lib)
            neo = self.neo4j_config()
            command = neo4j_command(
                neo, lib, paths.neo4j_launcher, java=find_java(), exit_on_stdin_eof=False
            )
            spawn(command, pid_file=paths.pid_file("neo4j"), log_file=paths.log_file("neo4j"))
            _say(f"neo4j: starting on {neo.bolt_uri}")
        wait_for_nats(self.nats_config(), timeout_s=30)
        wait_for_bolt(self.neo4j_config().bolt_uri, timeout_s=180)
        _say("nats and neo4j: ready")
        self._start_services()
        _say(f"stack ready in {time.monotonic() - started:.1f}s")
        print(self.settings.api_url, flush=True)

    def _start_services(self) -> None:
        paths = self.paths
        for component, verb in (("projector", "projector"), ("worker", "worker"), ("api", "server")):
            if not is_running(read_pid(paths.pid_file(component))):
                spawn(
                    [sys.executable, "-m", "strata_cli.main", verb],
                    pid_file=paths.pid_file(component),
                    log_file=paths.log_file(component),
                    env=self._child_env(),
                )
        self._wait_api(timeout_s=60)
        asyncio.run(self._wait_projected(timeout_s=60))

    def _wait_api(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._api_up():
                return
            if not is_running(read_pid(self.paths.pid_file("api"))):
                raise RuntimeError(f"the API exited; see {self.paths.log_file('api')}")
            time.sleep(0.1)
        raise TimeoutError(f"API not ready at {self.settings.api_url} after {timeout_s}s")

    def _api_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.settings.api_url}/api/health", timeout=1.0) as r:  # noqa: S310
                return bool(r.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    async def _wait_projected(self, timeout_s: float) -> None:
        """Until the projector reports main's checkpoint at main's head."""
        from strata_cli.stack_status import projector_caught_up

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if await projector_caught_up(self.settings):
                return
            if not is_running(read_pid(self.paths.pid_file("projector"))):
                raise RuntimeError(f"the projector exited; see {self.paths.log_file('projector')}")
            await asyncio.sleep(0.1)
        raise TimeoutError("the projector did not catch up with main in time")

    # -- stop / status / reset -----------------------------------------------------------
    def stop(self) -> None:
        for component in reversed(COMPONENTS):
            if terminate(self.paths.pid_file(component), timeout_s=60):
                _say(f"{component}: stopped")

    def status(self) -> bool:
        from strata_cli.stack_status import collect_status

        report = asyncio.run(collect_status(self.settings, self.paths, self._api_up()))
        print(json.dumps(report, indent=2))
        return all(part.get("up") for part in report.values())

    def reset(self) -> None:
        started = time.monotonic()
        for component in ("api", "worker", "projector"):
            terminate(self.paths.pid_file(component), timeout_s=30)
        asyncio.run(wipe_state(self.settings))
        self._start_services()
        _say(f"reset done in {time.monotonic() - started:.1f}s")

    def run_foreground(self) -> None:
        """Start everything, then stay attached; Ctrl-C stops the whole stack."""
        self.start()
        _say("running in the foreground; Ctrl-C stops the stack")
        try:
            while all(is_running(read_pid(self.paths.pid_file(c))) for c in COMPONENTS):
                time.sleep(1.0)
            _say("a component exited; stopping the stack")
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
