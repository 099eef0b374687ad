"""The signed request and the retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random

import msgspec

from strata_feed.contract import FeedEvent
from strata_webhooks.message import body_of, signed_headers
from strata_webhooks.options import WebhookOptions, backoff_delay
from strata_webhooks.records import delivery_id, token


def test_signature_is_hmac_sha256_of_id_timestamp_and_body() -> None:
    key = b"0123456789abcdef"
    headers = signed_headers("msg_1", 1700000000, b'{"a":1}', "whsec_" + base64.b64encode(key).decode())
    expected = hmac.new(key, b'msg_1.1700000000.{"a":1}', hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == "1700000000"
    assert "webhook-signature" not in signed_headers("msg_1", 1700000000, b"{}", None)


def test_body_is_the_feed_event_plus_infrahub_fields_without_webhook_secrets() -> None:
    event = FeedEvent(id="main:4:0", type="node.created", branch="main", branch_id="main", seq=4,
                      occurred_at="2026-11-23T12:00:00+00:00", actor="acc-1", kind="CoreStandardWebhook",
                      node_id="w1", changes={"attributes": {"name": "hook", "shared_key": "whsec_c2VjcmV0"}})
    body = msgspec.json.decode(body_of(event))
    assert body["id"] == "main:4:0" and body["event"] == "node.created" and body["account_id"] == "acc-1"
    assert body["occured_at"] == event.occurred_at and body["data"]["node_id"] == "w1"
    assert body["changes"]["attributes"] == {"name": "hook", "shared_key": "**********"}
    assert "c2VjcmV0" not in body_of(event).decode()


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    options = WebhookOptions(retry_base_s=1.0, retry_max_s=10.0)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)]:
        delays = [backoff_delay(options, attempt, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 4, "jittered, not a fixed delay"


def test_delivery_ids_are_stable_and_sort_by_event_time() -> None:
    def at(when: str, event_id: str = "main:1:0") -> FeedEvent:
        return FeedEvent(id=event_id, type="node.created", branch="main", branch_id="main", seq=1, occurred_at=when)

    early, late = at("2026-11-23T12:00:00+00:00"), at("2026-11-23T12:00:01.5+00:00", "main:2:0")
    assert delivery_id(early, "w1") == delivery_id(early, "w1") != delivery_id(early, "w2")
    assert delivery_id(early, "w1") < delivery_id(late, "w1")
    assert token("4f1c-aa_9") == "4f1c-aa_9" and token("a.b c") != "a.b c" and "." not in token("a.b c")
