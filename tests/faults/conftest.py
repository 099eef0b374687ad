"""Fixtures of the fault and hostile-input suite, and the figures it prints at the end."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest

from strata_api.resources import SDK_TEST_TOKEN
from strata_core.settings import Settings
from strata_graph.driver import open_driver_at
from strata_graph.maintenance import wipe_graph
from strata_stack.nats_runtime import NatsConfig
from tests.e2e.conftest import api  # noqa: F401  # the in-process API with a projector thread
from tests.e2e.test_graphql_api import ANIMALS
from tests.faults.figures import FIGURES_KEY, Figures
from tests.faults.live_api import LiveApi

TOKEN_HEADERS = {"X-INFRAHUB-KEY": SDK_TEST_TOKEN}


@pytest.fixture(scope="session")
def figures(request: pytest.FixtureRequest) -> Figures:
    return request.config.stash.setdefault(FIGURES_KEY, Figures())


def _wipe(neo4j_uri: str) -> None:
    """Wipe the session's graph from a thread of its own (the test loop may not be running)."""

    async def wipe() -> None:
        driver = open_driver_at(neo4j_uri)
        try:
            await wipe_graph(driver, "neo4j")
        finally:
            await driver.close()

    thread = threading.Thread(target=lambda: asyncio.run(wipe()))
    thread.start()
    thread.join(120)


@pytest.fixture(scope="module")
def live_api(
    nats_server: NatsConfig, neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    """One API over HTTP for a whole module (the animals schema loaded), on a fresh stream set."""
    _wipe(neo4j_uri)
    settings = Settings(
        nats_url=nats_server.url,
        neo4j_uri=neo4j_uri,
        stream_prefix=f"L{uuid.uuid4().hex[:10].upper()}",
        data_dir=str(tmp_path_factory.mktemp("live-api")),
        environment="test",
    )
    live = LiveApi(settings)
    live.start()
    try:
        loaded = httpx.post(f"{live.url}/api/schema/load?branch=main", json=ANIMALS, headers=TOKEN_HEADERS, timeout=60)
        assert loaded.status_code == 200, loaded.text
        yield live
    finally:
        live.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    tally = config.stash.get(FIGURES_KEY, None)
    if tally is None:
        return
    terminalreporter.section("fault and hostile-input figures")
    for line in tally.lines():
        terminalreporter.write_line(line)
