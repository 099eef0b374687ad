"""Webhook delivery end to end: webhook objects made through GraphQL, feed events published to
the feed stream, the worker's webhook service delivering to local HTTP endpoints."""

from __future__ import annotations

import base64
from datetime import datetime

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from neo4j import AsyncDriver
from standardwebhooks import Webhook

from strata_core.settings import Settings
from strata_stack.nats_runtime import free_port
from tests.e2e.webhook_harness import Feed, deliveries, gql, until, webhook_id, webhook_worker
from tests.e2e.webhook_receiver import Receiver, serving

pytestmark = pytest.mark.integration

SECRET = "whsec_" + base64.b64encode(b"a secret of thirty-two bytes....").decode()


@pytest.fixture
async def feed(nc: Client, settings: Settings) -> Feed:
    feed = Feed(nc, settings.stream_prefix)
    await feed.create_stream()
    return feed


async def test_signature_checked_by_the_standardwebhooks_package(
    api: AsyncTestClient, nc: Client, neo4j_driver: AsyncDriver, settings: Settings, feed: Feed  # type: ignore[type-arg]
) -> None:
    with serving(Receiver()) as receiver:
        spec_key = await webhook_id(api, url=receiver.url("/spec"), shared_key=SECRET)
        plain_key = await webhook_id(api, url=receiver.url("/plain"), shared_key="a plain shared key")
        async with webhook_worker(nc, neo4j_driver, settings.stream_prefix):
            event = await feed.publish("node.updated", node_id="n1", changes={"attributes": {"name": "x"}})
            await until(lambda: _got(receiver, "/spec", "/plain"), what="both deliveries")
            spec_request, plain_request = receiver.on("/spec")[0], receiver.on("/plain")[0]
            payload = Webhook(SECRET).verify(spec_request.body, spec_request.headers)
            Webhook(b"a plain shared key").verify(plain_request.body, plain_request.headers)
            assert payload["id"] == event.id and payload["type"] == "node.updated" and payload["event"] == "node.updated"
            assert payload["changes"] == {"attributes": {"name": "x"}} and payload["account_id"] == "tester"
            assert msgspec.json.decode(spec_request.body)["node_id"] == "n1"
            tampered = {**spec_request.headers, "webhook-id": "msg_other"}
            with pytest.raises(Exception, match="No matching signature"):
                Webhook(SECRET).verify(spec_request.body, tampered)
            await until(lambda: _states(api, spec_key, ["delivered"]), what="the delivery record")
            [record] = await deliveries(api, spec_key)
            assert record["event_id"] == event.id and record["id"] == spec_request.headers["webhook-id"]
            assert [(a["number"], a["status_code"], a["error"]) for a in record["attempts"]] == [(1, 200, None)]
            assert (await deliveries(api, plain_key))[0]["event_type"] == "node.updated"


async def test_retries_with_backoff_until_the_endpoint_answers(
    api: AsyncTestClient, nc: Client, neo4j_driver: AsyncDriver, settings: Settings, feed: Feed  # type: ignore[type-arg]
) -> None:
    with serving(Receiver(statuses=[500, 503])) as receiver:
        uid = await webhook_id(api, url=receiver.url(), shared_key=SECRET)
        async with webhook_worker(nc, neo4j_driver, settings.stream_prefix, retry_base_s=0.4, max_attempts=5):
            await feed.publish("node.created")
            await until(lambda: _states(api, uid, ["delivered"]), what="the third attempt")
            [record] = await deliveries(api, uid)
    attempts = record["attempts"]
    assert [(a["number"], a["status_code"]) for a in attempts] == [(1, 500), (2, 503), (3, 200)]
    assert attempts[0]["error"] == "HTTP 500" and attempts[2]["next_retry_at"] is None
    for failed, following in zip(attempts[:2], attempts[1:]):
        retry_at = datetime.fromisoformat(failed["next_retry_at"])
        scheduled = retry_at - datetime.fromisoformat(failed["at"])
        assert scheduled.total_seconds() >= 0.4 * 2 ** (failed["number"] - 1) * 0.5  # backoff grows
        assert (datetime.fromisoformat(following["at"]) - retry_at).total_seconds() > -0.05
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1, "every retry is the same message"
    gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:])]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4


async def test_a_dead_endpoint_never_delays_the_others(
    api: AsyncTestClient, nc: Client, neo4j_driver: AsyncDriver, settings: Settings, feed: Feed  # type: ignore[type-arg]
) -> None:
    # The slow endpoint answers after 15 s, past the 12 s timeout: a margin wide enough for a
    # loaded machine to deliver the healthy endpoint's events meanwhile.
    with serving(Receiver(hang_s=15.0)) as hanging, serving(Receiver()) as healthy:
        slow = await webhook_id(api, url=hanging.url())
        refused = await webhook_id(api, url=f"http://127.0.0.1:{free_port()}/nobody")
        fine = await webhook_id(api, url=healthy.url())
        async with webhook_worker(nc, neo4j_driver, settings.stream_prefix, timeout_s=12.0, retry_base_s=0.2,
                                  max_attempts=2):
            for _ in range(3):
                await feed.publish("node.created")
            await until(lambda: _states(api, fine, ["delivered"] * 3), what="the healthy endpoint")
            assert all(not r["attempts"] for r in await deliveries(api, slow)), "the slow one is still on attempt 1"
            await until(lambda: _states(api, refused, ["failed"] * 3), what="the refused endpoint to give up")
            await until(lambda: _states(api, slow, ["failed"] * 3), timeout=120, what="the slow endpoint to give up")
        for record in await deliveries(api, refused):
            assert [a["number"] for a in record["attempts"]] == [1, 2]
            assert all("ConnectError" in a["error"] and a["status_code"] is None for a in record["attempts"])
        for record in await deliveries(api, slow):
            assert all("Timeout" in a["error"] for a in record["attempts"])
            assert record["attempts"][0]["next_retry_at"] and record["attempts"][1]["next_retry_at"] is None
    assert len(healthy.received) == 3


async def test_branch_and_event_type_filters(
    api: AsyncTestClient, nc: Client, neo4j_driver: AsyncDriver, settings: Settings, feed: Feed  # type: ignore[type-arg]
) -> None:
    with serving(Receiver()) as receiver:
        created_anywhere = await webhook_id(api, url=receiver.url("/a"), event_type=["node.created"],
                                            branch_scope="all_branches")
        main_only = await webhook_id(api, url=receiver.url("/b"))
        feature_only = await webhook_id(api, url=receiver.url("/c"), branch_scope="named_branches",
                                        branch_names=["feature"], node_kind="DcimDevice")
        other_branches = await webhook_id(api, url=receiver.url("/d"), branch_scope="other_branches",
                                          event_type=["infrahub.branch.created"])
        paused = await webhook_id(api, url=receiver.url("/e"), branch_scope="all_branches", active=False)
        async with webhook_worker(nc, neo4j_driver, settings.stream_prefix):
            main_created = await feed.publish("node.created")
            feature_updated = await feed.publish("node.updated", branch="feature", kind="DcimDevice")
            await feed.publish("node.updated", branch="feature", kind="BuiltinTag")
            other_created = await feed.publish("branch.created", branch="other", kind=None)
            await until(feed.drained, what="the fan-out")
            got = {uid: {r["event_id"] for r in await deliveries(api, uid)}
                   for uid in (created_anywhere, main_only, feature_only, other_branches, paused)}
    assert got == {
        created_anywhere: {main_created.id},
        main_only: {main_created.id},
        feature_only: {feature_updated.id},
        other_branches: {other_created.id},
        paused: set(),
    }


# Both stop the first worker during the backoff after a 503. With an ack wait far longer than
# the test waits, only a delivery handed back by the stopping worker reaches the next in time.
@pytest.mark.parametrize("ack_wait_s", [2.0, 90.0], ids=["ack-wait-shorter-than-backoff", "handed-back-at-once"])
async def test_a_pending_delivery_survives_a_worker_restart(
    api: AsyncTestClient, nc: Client, neo4j_driver: AsyncDriver, settings: Settings, feed: Feed, ack_wait_s: float  # type: ignore[type-arg]
) -> None:
    with serving(Receiver(statuses=[503])) as receiver:
        uid = await webhook_id(api, url=receiver.url(), shared_key=SECRET)
        options = {"retry_base_s": 8.0, "ack_wait_s": ack_wait_s}
        async with webhook_worker(nc, neo4j_driver, settings.stream_prefix, **options):
            await feed.publish("node.deleted")
            await until(lambda: _attempts(api, uid, 1), what="the first attempt")
        # The worker stopped during a 4-8 s backoff; the delivery is still held by JetStream, and
        # the next worker waits out what is left of that backoff.
        async with webhook_worker(nc, neo4j_driver, settings.stream_prefix, **options):
            await until(lambda: _states(api, uid, ["delivered"]), timeout=30, what="the delivery after the restart")
        [record] = await deliveries(api, uid)
    assert [(a["number"], a["status_code"]) for a in record["attempts"]] == [(1, 503), (2, 200)]
    first, second = record["attempts"]
    assert datetime.fromisoformat(second["at"]) >= datetime.fromisoformat(first["next_retry_at"])
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1 and len(receiver.received) == 2
    Webhook(SECRET).verify(receiver.received[1].body, receiver.received[1].headers)


async def _got(receiver: Receiver, *paths: str) -> bool:
    return all(receiver.on(path) for path in paths)


async def _states(api: AsyncTestClient, uid: str, wanted: list[str]) -> bool:  # type: ignore[type-arg]
    return sorted(r["state"] for r in await deliveries(api, uid)) == sorted(wanted)


async def _attempts(api: AsyncTestClient, uid: str, count: int) -> bool:  # type: ignore[type-arg]
    found = await deliveries(api, uid)
    return bool(found) and len(found[0]["attempts"]) >= count


async def test_a_webhook_deleted_while_no_worker_ran_has_its_pending_deliveries_dropped(
    api: AsyncTestClient, nc: Client, neo4j_driver: AsyncDriver, settings: Settings, feed: Feed  # type: ignore[type-arg]
) -> None:
    uid = await webhook_id(api, url=f"http://127.0.0.1:{free_port()}/nobody")
    options = {"retry_base_s": 30.0, "ack_wait_s": 1.0}
    async with webhook_worker(nc, neo4j_driver, settings.stream_prefix, **options):
        await feed.publish("node.created")
        await until(lambda: _attempts(api, uid, 1), what="the first attempt")
    js = nc.jetstream()
    queue_stream = f"{settings.stream_prefix}_WEBHOOKS"
    assert (await js.stream_info(queue_stream)).state.messages == 1
    deleted = await gql(api, 'mutation($id: String!) { CoreStandardWebhookDelete(data: {id: $id}) { ok } }', {"id": uid})
    assert deleted["data"]["CoreStandardWebhookDelete"]["ok"] is True

    async def dropped() -> bool:
        return (await js.stream_info(queue_stream)).state.messages == 0 and not await js.consumers_info(queue_stream)

    async with webhook_worker(nc, neo4j_driver, settings.stream_prefix, **options):
        await until(dropped, what="the deleted webhook's queue to be dropped")
