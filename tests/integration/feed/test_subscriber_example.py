"""docs/examples/feed_subscriber.py runs against a real feed stream and prints each change once."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import msgspec
import pytest
from nats.aio.client import Client

from strata_events import EventHeaders
from strata_feed.contract import FeedEvent, FeedNames
from strata_feed.feed_stream import ensure_feed_stream, feed_stream_config
from strata_stack.nats_runtime import NatsConfig
from tests.conftest import REPO_ROOT
from tests.integration.feed.feed_reading import wait_for

pytestmark = pytest.mark.integration


async def test_the_documented_subscriber_prints_each_change_once(
    nc: Client, nats_server: NatsConfig, stream_prefix: str
) -> None:
    names = FeedNames(prefix=stream_prefix)
    js = nc.jetstream()
    await ensure_feed_stream(js, feed_stream_config(names, max_age_s=3600, duplicate_window_s=120, replicas=1))
    example = REPO_ROOT / "docs" / "examples" / "feed_subscriber.py"
    proc = subprocess.Popen(
        [sys.executable, str(example), "--url", nats_server.url, "--prefix", stream_prefix],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        async def subscribed() -> bool:
            return (await js.stream_info(names.stream)).state.consumer_count > 0

        await wait_for(subscribed)
        event = FeedEvent(id="main:9:0", type="node.created", branch="main", branch_id="main", seq=9,
                          occurred_at="2026-01-01T00:00:00+00:00", actor="acc", kind="BuiltinTag",
                          node_id="n1", changes={"attributes": {"name": "red"}})  # fmt: skip
        payload = msgspec.json.encode(event)
        subject = names.subject("main", event.type, event.kind)
        await js.publish(subject, payload, headers={EventHeaders.MSG_ID: event.id})
        # a re-publication with a new message id gets past the stream's dedupe: the example drops it
        await js.publish(subject, payload, headers={EventHeaders.MSG_ID: "other"})
        await asyncio.sleep(2.0)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    lines = [line for line in out.splitlines() if "node.created" in line]
    assert len(lines) == 1, (out, err)
    assert "BuiltinTag n1 by acc" in lines[0] and '"red"' in lines[0]
