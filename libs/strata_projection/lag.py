"""How far each read model is behind its branch stream, asked of JetStream and the graph.

The graph's checkpoint (committed with the projected data) is the truth about what the read
model holds; the durable consumers' pending counts tell what the projectors have yet to fetch.
"""

from __future__ import annotations

import msgspec
import nats.errors
import nats.js.errors
from neo4j import AsyncDriver

from strata_eventstore import EventStore
from strata_eventstore.stream_listing import all_stream_infos
from strata_graph.driver import read_records

__all__ = ["ConsumerLag", "StreamLag", "graph_checkpoints", "read_lag"]

_CHECKPOINTS = "MATCH (c:Checkpoint) RETURN c.stream AS stream, c.seq AS seq"


class ConsumerLag(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    pending: int  # not yet delivered
    ack_pending: int  # delivered, not yet acknowledged


class StreamLag(msgspec.Struct, frozen=True, kw_only=True):
    branch_id: str
    stream: str
    last_seq: int
    checkpoint: int
    consumers: tuple[ConsumerLag, ...] = ()

    @property
    def lag(self) -> int:
        return max(0, self.last_seq - self.checkpoint)


async def graph_checkpoints(driver: AsyncDriver, database: str) -> dict[str, int]:
    """Every stream's checkpoint in one read model."""
    records = await read_records(driver, database, _CHECKPOINTS)
    return {str(r["stream"]): int(r["seq"] or 0) for r in records}


async def read_lag(store: EventStore, driver: AsyncDriver, database: str) -> list[StreamLag]:
    """One entry per branch stream of the store's prefix, with its durable consumers."""
    js = store.nc.jetstream()
    checkpoints = await graph_checkpoints(driver, database)
    out: list[StreamLag] = []
    for info in await all_stream_infos(js):
        stream = info.config.name or ""
        branch_id = store.names.branch_id_of_stream(stream)
        if branch_id is None:
            continue
        consumers: list[ConsumerLag] = []
        try:
            for consumer in await js.consumers_info(stream):
                if not consumer.config.durable_name:  # ephemeral readers (audit, history) come and go
                    continue
                consumers.append(ConsumerLag(name=consumer.config.durable_name,
                                             pending=int(consumer.num_pending or 0),
                                             ack_pending=int(consumer.num_ack_pending or 0)))  # fmt: skip
        except (nats.js.errors.NotFoundError, nats.errors.TimeoutError):
            pass  # the stream went away between the two questions
        out.append(StreamLag(branch_id=branch_id, stream=stream, last_seq=int(info.state.last_seq),
                             checkpoint=checkpoints.get(stream, 0), consumers=tuple(consumers)))  # fmt: skip
    return out
