"""Webhook rules: which feed events a webhook takes, and which field values are refused."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from strata_feed.contract import FeedEvent
from strata_webhooks.rules import WebhookSpec, secret_key_bytes, webhook_problems


def event(type_: str = "node.created", branch: str = "main", kind: str | None = "BuiltinTag") -> FeedEvent:
    return FeedEvent(id=f"{branch}:1:0", type=type_, branch=branch, branch_id=branch, seq=1,  # type: ignore[arg-type]  # tests pass plain strings
                     occurred_at="2026-01-01T00:00:00+00:00", kind=kind)


def spec(**values: Any) -> WebhookSpec:
    return WebhookSpec.from_values("w1", "CoreStandardWebhook", {"name": "w", "url": "http://x", **values})


def test_defaults_take_every_event_type_on_the_default_branch_only() -> None:
    hook = spec()
    assert hook.matches(event("node.created")) and hook.matches(event("branch.merged", kind=None))
    assert not hook.matches(event(branch="feature"))


@pytest.mark.parametrize(("scope", "names", "main", "feature", "other"), [
    ("all_branches", [], True, True, True),
    ("default_branch", [], True, False, False),
    ("other_branches", [], False, True, True),
    ("default_branch", ["feature"], True, True, False),
    ("named_branches", ["feature"], False, True, False),
])  # fmt: skip
def test_branch_scope_and_names(scope: str, names: list[str], main: bool, feature: bool, other: bool) -> None:
    hook = spec(branch_scope=scope, branch_names=names)
    assert [hook.matches(event(branch=b)) for b in ("main", "feature", "other")] == [main, feature, other]


def test_event_types_node_kind_and_active() -> None:
    hook = spec(event_type=["node.updated", "infrahub.branch.merged"], node_kind="BuiltinTag")
    assert hook.matches(event("node.updated"))
    assert hook.matches(event("branch.merged", kind=None))  # node_kind filters only events about a kind
    assert not hook.matches(event("node.created"))
    assert not hook.matches(event("node.updated", kind="DcimDevice"))
    assert spec(event_type=["all"]).matches(event("schema.updated", kind=None))
    assert not spec(active=False).matches(event())


@pytest.mark.parametrize(("values", "field", "reason"), [
    ({"url": "ftp://host/x"}, "url", "not an http or https URL"),
    ({"url": "http:///path"}, "url", "has no host"),
    ({"url": "http://host:99999/"}, "url", "invalid port"),
    ({"event_type": ["node.created", "node.exploded"]}, "event_type", "'node.exploded' is not a known event type"),
    ({"event_type": [3]}, "event_type", "3 is not a string"),
    ({"branch_scope": "named_branches"}, "branch_names", "must list at least one branch"),
    ({"branch_names": ["bad name"]}, "branch_names", "'bad name' is not a valid branch name"),
    ({"shared_key": "whsec_***"}, "shared_key", "not valid base64"),
])  # fmt: skip
def test_problems_name_the_field(values: dict[str, Any], field: str, reason: str) -> None:
    problems = webhook_problems({"url": "https://hooks.example.com/in", **values})
    assert len(problems) == 1, problems
    assert problems[0][0] == field and reason in problems[0][1]


def test_a_good_webhook_has_no_problem() -> None:
    good = {"url": "https://hooks.example.com:8443/in?x=1", "event_type": ["all", "node.created"],
            "branch_scope": "named_branches", "branch_names": ["feature/x"], "shared_key": "whsec_c2VjcmV0"}
    assert webhook_problems(good) == []


def test_secret_forms() -> None:
    assert secret_key_bytes("whsec_" + base64.b64encode(b"\x00\x01key").decode()) == b"\x00\x01key"
    assert secret_key_bytes("plain text") == b"plain text"
