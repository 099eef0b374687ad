"""Webhook objects: the kind rules refuse bad values at the field they concern, after the
generic checks, on create and on update."""

from __future__ import annotations

from typing import Any

import pytest

from strata_mutations import MutationError, decide_create, decide_update
from strata_schema import BranchSchema

from .conftest import FakeReader, record

KIND = "CoreStandardWebhook"


@pytest.fixture(scope="module")
def core() -> BranchSchema:
    return BranchSchema.initial()


def webhook(**fields: Any) -> dict[str, Any]:
    base = {"name": "hook", "url": "https://hooks.example.com/in", "shared_key": "whsec_c2VjcmV0"}
    return {name: {"value": value} for name, value in {**base, **fields}.items()}


async def test_a_valid_webhook_is_created_with_its_defaults(core: BranchSchema) -> None:
    events = await decide_create(core, KIND, webhook(event_type=["node.created"]), FakeReader(core), "w1")
    attrs = events[0].attributes  # type: ignore[union-attr]  # the first event is the NodeCreated
    assert attrs["event_type"].value == ["node.created"]
    assert attrs["active"].value is True and attrs["branch_scope"].value == "default_branch"


@pytest.mark.parametrize(("fields", "path", "reason"), [
    ({"url": "ftp://files.example.com/x"}, ["data", "url", "value"], "not an http or https URL"),
    ({"event_type": ["node.exploded"]}, ["data", "event_type", "value"], "not a known event type"),
    ({"branch_scope": "nowhere"}, ["data", "branch_scope", "value"], "not one of the choices"),
    ({"branch_scope": "named_branches"}, ["data", "branch_names", "value"], "at least one branch"),
])  # fmt: skip
async def test_bad_values_are_refused_naming_the_field(
    core: BranchSchema, fields: dict[str, Any], path: list[str], reason: str
) -> None:
    with pytest.raises(MutationError) as caught:
        await decide_create(core, KIND, webhook(**fields), FakeReader(core), "w1")
    issues = [(list(i.path), i.message) for i in caught.value.issues]
    assert any(p == path and reason in m for p, m in issues), issues


async def test_update_is_judged_on_the_final_values(core: BranchSchema) -> None:
    stored = record("w1", KIND, name="hook", url="https://hooks.example.com/in", branch_scope="default_branch",
                    shared_key="k", event_type=None, branch_names=None)
    reader = FakeReader(core, [stored])
    with pytest.raises(MutationError) as caught:
        await decide_update(core, KIND, {"id": "w1", "branch_scope": {"value": "named_branches"}}, reader)
    assert "branch_names" in str(caught.value)
    ok = await decide_update(core, KIND, {"id": "w1", "branch_scope": {"value": "named_branches"},
                                           "branch_names": {"value": ["feature"]}}, reader)
    assert ok.events and ok.node_id == "w1"
