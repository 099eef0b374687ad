"""Every stream on the server, page by page.

JetStream answers a stream listing one page at a time (256 infos or 1,024 names per request);
nats-py's `streams_info()` returns only the first page. A deployment with many branches (a
stream each, plus KV buckets) has more streams than that, and a stream missing from the first
page was never found: the projector did not project it.
"""

from __future__ import annotations

import json

from nats.aio.client import Client
from nats.js.api import StreamInfo
from nats.js.client import JetStreamContext

__all__ = ["StreamListingRefused", "all_stream_infos", "all_stream_names"]

_NAMES_SUBJECT = "$JS.API.STREAM.NAMES"


class StreamListingRefused(RuntimeError):
    """JetStream answered the listing with an error (for example while it is not ready yet)."""


async def all_stream_names(nc: Client, timeout_s: float = 5.0) -> list[str]:
    names: list[str] = []
    while True:
        reply = await nc.request(_NAMES_SUBJECT, json.dumps({"offset": len(names)}).encode(), timeout=timeout_s)
        body = json.loads(reply.data)
        if "error" in body:
            raise StreamListingRefused(f"stream listing refused: {body['error']}")
        page = body.get("streams") or []
        names.extend(page)
        if not page or len(names) >= int(body.get("total", 0)):
            return names


async def all_stream_infos(js: JetStreamContext) -> list[StreamInfo]:
    infos: list[StreamInfo] = []
    while True:
        page = await js.streams_info(offset=len(infos))
        infos.extend(page)
        if not page:
            return infos
