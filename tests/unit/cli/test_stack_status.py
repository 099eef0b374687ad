"""`strata dev status` answers when nothing listens: it reports the servers down, never hangs."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from strata_cli.paths import StackPaths
from strata_cli.stack_status import collect_status, projector_caught_up
from strata_core.settings import Settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _nothing_listening() -> Settings:
    return Settings(
        nats_url=f"nats://127.0.0.1:{_closed_port()}", neo4j_uri=f"bolt://127.0.0.1:{_closed_port()}"
    )


async def test_status_reports_nats_and_neo4j_down_when_nothing_listens(tmp_path: Path) -> None:
    # The guard only stops a hang from blocking the suite; the answer comes in well under it.
    report = await asyncio.wait_for(collect_status(_nothing_listening(), StackPaths(tmp_path), False), 30)
    assert report["nats"]["up"] is False
    assert "no servers available" in report["nats"]["error"]
    assert report["neo4j"]["up"] is False
    assert report["api"]["up"] is False


async def test_caught_up_is_false_when_nats_is_down() -> None:
    assert await asyncio.wait_for(projector_caught_up(_nothing_listening()), 30) is False
