"""The KV bucket where services publish their status (projector checkpoints and lag)."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.kv import KeyValue

from strata_eventstore import StreamNames

__all__ = ["open_status_bucket"]


async def open_status_bucket(js: JetStreamContext, names: StreamNames, replicas: int) -> KeyValue:
    return await js.create_key_value(
        KeyValueConfig(
            bucket=names.kv_bucket("status"), history=1, storage=StorageType.FILE, replicas=replicas
        )
    )
