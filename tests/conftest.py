"""Session-wide real servers: one nats-server (random ports, temp store) per test session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client

from strata_stack.nats_runtime import NatsConfig, free_port, start_nats, stop_process, wait_for_nats

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def nats_config(tmp_path_factory: pytest.TempPathFactory) -> NatsConfig:
    return NatsConfig(
        config_file=REPO_ROOT / "nats" / "nats-server.conf",
        store_dir=tmp_path_factory.mktemp("nats-store"),
        port=free_port(),
        monitor_port=free_port(),
    )


@pytest.fixture(scope="session")
def nats_server(nats_config: NatsConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsConfig]:
    log = tmp_path_factory.mktemp("nats-log") / "nats.log"
    proc = start_nats(nats_config, log)
    try:
        wait_for_nats(nats_config)
        yield nats_config
    finally:
        stop_process(proc)


@pytest.fixture
async def nc(nats_server: NatsConfig) -> AsyncIterator[Client]:
    client = await nats.connect(nats_server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    try:
        yield client
    finally:
        await client.close()
