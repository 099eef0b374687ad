"""The data rewrites a schema change needs, as events in the same batch as the schema itself
(so after a crash either both are stored or neither):

- a new attribute with a default: the default is written on every existing object
  (`is_default: true`), so filters and sorting see it;
- an attribute or relationship renamed by id: each object's value or peers move to the new name;
- a kind renamed by id: each object takes the new kind (a `node.updated` naming it).
Synchronous: the data probe reads the graph with the sync driver; the API runs it in a thread.
"""

from __future__ import annotations

from collections.abc import Callable

from strata_events import AttributeValue, NodeUpdated
from strata_graph.data_probe import GraphDataProbe
from strata_schema import MigrationPlan

__all__ = ["migration_events"]


def migration_events(
    plan: MigrationPlan, probe: GraphDataProbe, concrete_kinds: Callable[[str], list[str]]
) -> list[NodeUpdated]:
    events: list[NodeUpdated] = []
    for migration in plan.migrations:
        name, field = migration.name, migration.field
        if field is None:
            if name in ("node.name.update", "node.namespace.update") and migration.previous_kind:
                # the objects take the new kind; their attributes and peers are unchanged
                events += [NodeUpdated(node_id=uid, kind=migration.kind)
                           for uid in probe.object_ids(migration.previous_kind, 10**9)]  # fmt: skip
            continue
        for kind in concrete_kinds(migration.kind):
            if name == "node.attribute.add" and migration.default_value is not None:
                default = AttributeValue(value=migration.default_value, is_default=True)
                events += [NodeUpdated(node_id=uid, kind=kind, attributes={field: default})
                           for uid in probe.objects_missing(kind, field)]  # fmt: skip
            elif name == "attribute.name.update" and migration.previous_field:
                events += [NodeUpdated(node_id=uid, kind=kind, attributes={field: AttributeValue(value=value)})
                           for uid, value in probe.attribute_values(kind, migration.previous_field)]  # fmt: skip
            elif name == "relationship.name.update" and migration.previous_field:
                events += [NodeUpdated(node_id=uid, kind=kind, relationships={field: peers})
                           for uid, peers in probe.peers(kind, migration.previous_field) if peers]  # fmt: skip
    return events
