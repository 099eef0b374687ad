"""The task queue: submit a task, follow its state; workers take tasks one at a time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.kv import KeyValue

from strata_eventstore import StreamNames

__all__ = ["Task", "TaskQueue", "TaskState"]


class Task(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    type: str
    params: dict[str, Any] = {}


class TaskState(msgspec.Struct, kw_only=True):
    id: str
    type: str
    state: str  # queued, running, done, failed
    updated_at: str
    result: Any = None
    error: str | None = None


class TaskQueue:
    def __init__(self, js: JetStreamContext, names: StreamNames, state_kv: KeyValue) -> None:
        self._js = js
        self._names = names
        self._kv = state_kv

    @property
    def stream(self) -> str:
        return f"{self._names.prefix}_TASKS"

    @property
    def subject_root(self) -> str:
        return f"{self._names.subject_root}.tasks"

    @classmethod
    async def open(cls, js: JetStreamContext, names: StreamNames, replicas: int = 1) -> TaskQueue:
        config = StreamConfig(
            name=f"{names.prefix}_TASKS",
            subjects=[f"{names.subject_root}.tasks.>"],
            retention=RetentionPolicy.WORK_QUEUE,
            storage=StorageType.FILE,
            num_replicas=replicas,
        )
        try:
            await js.add_stream(config)
        except nats.js.errors.BadRequestError:
            await js.update_stream(config)
        kv = await js.create_key_value(
            KeyValueConfig(bucket=names.kv_bucket("tasks"), history=5, storage=StorageType.FILE, replicas=replicas)
        )
        return cls(js, names, kv)

    async def submit(self, task_type: str, params: dict[str, Any] | None = None) -> Task:
        task = Task(id=uuid.uuid4().hex, type=task_type, params=params or {})
        await self.set_state(TaskState(id=task.id, type=task_type, state="queued", updated_at=_now()))
        await self._js.publish(f"{self.subject_root}.{task_type}", msgspec.json.encode(task))
        return task

    async def set_state(self, state: TaskState) -> None:
        state.updated_at = _now()
        await self._kv.put(state.id, msgspec.json.encode(state))

    async def state(self, task_id: str) -> TaskState | None:
        try:
            entry = await self._kv.get(task_id)
        except nats.js.errors.KeyNotFoundError:
            return None
        return msgspec.json.decode(entry.value or b"{}", type=TaskState)


def _now() -> str:
    return datetime.now(UTC).isoformat()
