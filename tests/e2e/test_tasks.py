"""Tasks as infrahub-sdk's task manager reads them: every committed mutation is a completed
task with its log line, found by id; retrying or cancelling one is refused with the reason."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS
from tests.e2e.test_graphql_api import _gql

pytestmark = pytest.mark.integration

TASKS = "query ($ids: [String]) { InfrahubTask(ids: $ids) { count edges { node { id state workflow branch logs { edges { node { message } } } } } } }"


async def test_committed_mutations_are_completed_tasks(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    created = await _gql(api, 'mutation { BranchCreate(data: {name: "tasks"}) { ok task { id } } }')
    task_id = created["data"]["BranchCreate"]["task"]["id"]
    body = (await api.post("/graphql/main", json={"query": TASKS, "variables": {"ids": [task_id]}}, headers=TOKEN_HEADERS)).json()
    [task] = [e["node"] for e in body["data"]["InfrahubTask"]["edges"]]
    assert (task["id"], task["state"], task["workflow"], task["branch"]) == (task_id, "COMPLETED", "branch.create", "main")
    assert task["logs"]["edges"][0]["node"]["message"].startswith("branch.create committed 1 event(s) on main")

    for field, verb in (("InfrahubTaskRetry", "retried"), ("InfrahubTaskCancel", "cancelled")):
        refused = await _gql(api, 'mutation { %s(data: {id: "%s"}) { ok task { id } } }' % (field, task_id))
        assert refused["errors"][0]["message"].startswith(f"id: task '{task_id}' cannot be {verb}"), refused
