"""A whole Strata for a benchmark: `strata projector` and `strata server` as processes on the
benchmark's own servers, reached over HTTP like any client."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator

import httpx
import nats

from strata_cli.bench.dataset import schema_documents
from strata_core.settings import Settings
from strata_eventstore import EventStore, StreamNames
from strata_stack.nats_runtime import free_port

__all__ = ["TOKEN_HEADERS", "running_strata", "strata_with_base_schemas"]

# The development/test token the API creates when STRATA_SEED_TEST_ACCOUNTS is set.
TOKEN_HEADERS = {"X-INFRAHUB-KEY": "06438eb2-8019-4776-878c-0941b1f1d1ec"}


@contextlib.asynccontextmanager
async def running_strata(nats_url: str, neo4j_uri: str) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    port = free_port()
    settings = Settings(
        nats_url=nats_url, neo4j_uri=neo4j_uri, stream_prefix=f"B{uuid.uuid4().hex[:8].upper()}",
        seed_test_accounts=True, environment="test", read_your_writes_timeout_s=120.0, api_port=port,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
    env.update({
        "STRATA_NATS_URL": nats_url, "STRATA_NEO4J_URI": neo4j_uri,
        "STRATA_STREAM_PREFIX": settings.stream_prefix, "STRATA_SEED_TEST_ACCOUNTS": "true",
        "STRATA_ENVIRONMENT": "test", "STRATA_API_PORT": str(port), "STRATA_LOG_LEVEL": "warning",
        "STRATA_READ_YOUR_WRITES_TIMEOUT_S": "120",
    })  # fmt: skip
    with tempfile.TemporaryFile() as log:
        procs = [
            subprocess.Popen([sys.executable, "-m", module], env=env, stdout=log, stderr=subprocess.STDOUT)
            for module in ("strata_projector", "strata_api")
        ]
        try:
            async with httpx.AsyncClient(base_url=settings.api_url, timeout=600) as client:
                for _ in range(600):
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get("/api/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                yield client, settings
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(30)


@contextlib.asynccontextmanager
async def strata_with_base_schemas(nats_url: str, neo4j_uri: str) -> AsyncIterator[tuple[httpx.AsyncClient, EventStore]]:
    """A running Strata with the data set's schemas loaded on main, and its event store."""
    async with running_strata(nats_url, neo4j_uri) as (client, settings):
        response = await client.post("/api/schema/load?branch=main", json=schema_documents(), headers=TOKEN_HEADERS)
        if response.status_code != 200:
            raise RuntimeError(f"schema load failed: {response.text[:500]}")
        nc = await nats.connect(nats_url)
        try:
            yield client, EventStore(nc, StreamNames(prefix=settings.stream_prefix))
        finally:
            await nc.close()
