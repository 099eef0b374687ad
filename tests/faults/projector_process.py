"""The projector as a real process, for tests that kill it: start, wait for its checkpoint, kill."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

from neo4j import AsyncDriver

from strata_core.settings import Settings
from strata_graph.projection import GraphProjection

__all__ = ["ProjectorProcess", "wait_checkpoint"]


class ProjectorProcess:
    def __init__(self, settings: Settings, log_file: Path, **extra_env: str) -> None:
        self._settings = settings
        self._log_path = log_file
        self._extra = extra_env
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
        env.update(
            STRATA_NATS_URL=self._settings.nats_url,
            STRATA_NEO4J_URI=self._settings.neo4j_uri,
            STRATA_STREAM_PREFIX=self._settings.stream_prefix,
            STRATA_LOG_FORMAT="json",
            STRATA_LOG_LEVEL="info",
            **self._extra,
        )
        return env

    def start(self) -> None:
        self._log = self._log_path.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "strata_projector"], env=self._env(), stdout=self._log, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        """SIGKILL: no handler runs, an open Neo4j transaction is left to the server to roll back."""
        assert self._proc is not None
        self._proc.kill()
        self._proc.wait(10)
        self._close_log()

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


async def wait_checkpoint(driver: AsyncDriver, stream: str, target: int, timeout: float) -> int:
    """Wait until the projection's checkpoint of `stream` reaches `target`; returns it."""
    projection = GraphProjection(driver, "neo4j")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (seen := await projection.checkpoint(stream)) < target:
        if loop.time() > deadline:
            raise TimeoutError(f"checkpoint of {stream} at {seen}, did not reach {target} in {timeout} s")
        await asyncio.sleep(0.05)
    return seen
