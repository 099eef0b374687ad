"""Follow Strata's public change feed with nothing but nats-py (`pip install nats-py`).

    python docs/examples/feed_subscriber.py                                  # every change from now on
    python docs/examples/feed_subscriber.py --subject 'strata.feed.v1.*.node.>' --durable my-app

With `--durable NAME` the server remembers how far this subscriber has read: stop it, start it
again, and it goes on from there. Feed delivery is at least once: a message can come twice
after a restart of the relay or of this subscriber, so changes are recognised by their `id`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import OrderedDict
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy


async def follow(url: str, prefix: str, subject: str, durable: str | None) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.NEW)
    sub = await js.pull_subscribe(subject, durable=durable, stream=f"{prefix}_FEED", config=config)
    seen: OrderedDict[str, None] = OrderedDict()  # recent ids, to drop redeliveries
    try:
        while True:
            try:
                messages = await sub.fetch(100, timeout=5)
            except nats.errors.TimeoutError:
                continue
            for msg in messages:
                change: dict[str, Any] = json.loads(msg.data)
                if change["id"] not in seen:
                    seen[change["id"]] = None
                    if len(seen) > 10_000:
                        seen.popitem(last=False)
                    show(change)
                await msg.ack()
    finally:
        await nc.close()


def show(change: dict[str, Any]) -> None:
    what = change.get("kind") or ""
    target = change.get("node_id") or ""
    print(f"{change['occurred_at']} {change['branch']:<12} {change['type']:<20} {what} {target} "
          f"by {change.get('actor')}: {json.dumps(change.get('changes', {}))}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="nats://127.0.0.1:4222")
    parser.add_argument("--prefix", default="STRATA", help="STRATA_STREAM_PREFIX of the deployment")
    parser.add_argument("--subject", default=None, help="subject filter (default: the whole feed)")
    parser.add_argument("--durable", default=None, help="durable consumer name, to resume after a restart")
    args = parser.parse_args()
    subject = args.subject or f"{args.prefix.lower()}.feed.v1.>"
    try:
        asyncio.run(follow(args.url, args.prefix, subject, args.durable))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
