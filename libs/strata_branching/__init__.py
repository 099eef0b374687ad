"""Branch diff, conflicts and merge, folded from the event log (pure: no I/O).

A branch forks from main at main's sequence `fork_seq`. Its diff is the fold of its own node
events on top of the states at the fork (`fold_changes`); main's events since the fork fold the
same way, and the two change sets give the conflicts (`detect_conflicts`). Resolutions pick a
side per conflict (`apply_resolutions`); `merge_events` turns the branch's net change into the
events to append on main; `diff_tree` renders it as Infrahub's `DiffTree`.
"""

from __future__ import annotations

from .changes import (
    Action,
    AttributeChange,
    Cardinality,
    CardinalityOf,
    ChangeSet,
    ObjectChange,
    PropertyChange,
    RelationshipChange,
    Touch,
    all_many,
)
from .conflicts import Conflict, ConflictScope, detect_conflicts
from .diff_tree import diff_tree, diff_tree_summary
from .fold import ChangeFolder, fold_changes, touched_ids
from .merge import merge_events
from .net_change import TouchedState, changes_between
from .paths import conflict_id
from .resolutions import Choices, Keep, Resolution, apply_resolutions
from .schema_cardinality import cardinality_from_schema

__all__ = [
    "Action",
    "AttributeChange",
    "Cardinality",
    "CardinalityOf",
    "ChangeFolder",
    "ChangeSet",
    "Choices",
    "Conflict",
    "ConflictScope",
    "Keep",
    "ObjectChange",
    "PropertyChange",
    "RelationshipChange",
    "Resolution",
    "Touch",
    "TouchedState",
    "all_many",
    "apply_resolutions",
    "cardinality_from_schema",
    "changes_between",
    "conflict_id",
    "detect_conflicts",
    "diff_tree",
    "diff_tree_summary",
    "fold_changes",
    "merge_events",
    "touched_ids",
]
