"""Names of the NATS headers that carry event metadata beside the payload."""

from __future__ import annotations

from typing import Final

__all__ = ["EventHeaders"]


class EventHeaders:
    """Header names. Metadata travels in headers so payloads stay pure domain data."""

    TYPE: Final = "Strata-Event-Type"
    VERSION: Final = "Strata-Event-Version"
    MUTATION_ID: Final = "Strata-Mutation-Id"
    ACTOR: Final = "Strata-Actor"
    CORRELATION_ID: Final = "Strata-Correlation-Id"
    CAUSATION_ID: Final = "Strata-Causation-Id"
    OCCURRED_AT: Final = "Strata-Occurred-At"
    TRACEPARENT: Final = "traceparent"
    # ADR-50 atomic batch and JetStream publish headers.
    BATCH_ID: Final = "Nats-Batch-Id"
    BATCH_SEQUENCE: Final = "Nats-Batch-Sequence"
    BATCH_COMMIT: Final = "Nats-Batch-Commit"
    MSG_ID: Final = "Nats-Msg-Id"
    EXPECTED_LAST_SUBJECT_SEQUENCE: Final = "Nats-Expected-Last-Subject-Sequence"
