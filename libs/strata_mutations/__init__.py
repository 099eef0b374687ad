"""Decisions for data mutations: from the branch schema, a mutation's input and the current
state (read through a `StateReader`), the events to append, or a `MutationError` saying what
is wrong with the input and where. Pure: the reader is the only way out, and it only reads.
"""

from __future__ import annotations

from ._kinds import uniqueness_scope
from .create import decide_create
from .decision import Decision, NodeEvent
from .delete import decide_delete
from .errors import Issue, MutationError, ObjectNotFound
from .reader import StateReader
from .records import NodeRecord
from .relationship import decide_relationship_add, decide_relationship_remove
from .update import decide_update
from .upsert import decide_upsert

__all__ = [
    "Decision",
    "Issue",
    "MutationError",
    "NodeEvent",
    "NodeRecord",
    "ObjectNotFound",
    "StateReader",
    "decide_create",
    "decide_delete",
    "decide_relationship_add",
    "decide_relationship_remove",
    "decide_update",
    "decide_upsert",
    "uniqueness_scope",
]
