"""Answers the schema engine's questions about stored objects (strata_schema.DataProbe).

Synchronous by contract (the schema checks are pure functions calling it): it uses Neo4j's
sync driver and is run in a worker thread by the API.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import msgspec
from neo4j import Driver

from strata_graph import cypher
from strata_graph.views import View

__all__ = ["GraphDataProbe"]


class GraphDataProbe:
    def __init__(
        self, driver: Driver, database: str, view: View, concrete_kinds: Callable[[str], list[str]]
    ) -> None:
        self._driver = driver
        self._database = database
        self._view = view
        self._kinds = concrete_kinds

    def _values(self, kind: str, key: str) -> list[tuple[str, Any]]:
        records, _, _ = self._driver.execute_query(
            cypher.PROPERTY_VALUES,
            kinds=self._kinds(kind),
            key=key,
            database_=self._database,
            **self._view.params(),
        )
        return [(r["uid"], r["value"]) for r in records]

    def count_objects(self, kind: str) -> int:
        return len(self._values(kind, "uid"))

    def object_ids(self, kind: str, limit: int) -> list[str]:
        return sorted(uid for uid, _ in self._values(kind, "uid"))[:limit]

    def objects_missing(self, kind: str, field: str) -> list[str]:
        attrs = [uid for uid, v in self._values(kind, f"v_{field}") if v is None]
        rels = {uid for uid, v in self._values(kind, f"r_{field}") if not v}
        return sorted(set(attrs) & rels)

    def duplicate_values(self, kind: str, fields: Sequence[str]) -> list[list[str]]:
        columns = [self._column(kind, f) for f in fields]
        groups: dict[str, list[str]] = defaultdict(list)
        for uid in columns[0] if columns else {}:
            key = msgspec.json.encode([col.get(uid) for col in columns]).decode()
            if all(col.get(uid) is not None for col in columns):
                groups[key].append(uid)
        return sorted(sorted(ids) for ids in groups.values() if len(ids) > 1)

    def _column(self, kind: str, path: str) -> dict[str, Any]:
        name = path.split("__", 1)[0]
        key = f"v_{name}" if "__" in path else f"r_{name}"
        return {uid: (sorted(v) if isinstance(v, list) else v) for uid, v in self._values(kind, key)}

    def attribute_values(self, kind: str, attribute: str) -> Iterable[tuple[str, Any]]:
        return [(uid, v) for uid, v in self._values(kind, f"v_{attribute}") if v is not None]

    def peers(self, kind: str, relationship: str) -> list[tuple[str, list[str]]]:
        return [(uid, list(v or [])) for uid, v in self._values(kind, f"r_{relationship}")]

    def peer_counts(self, kind: str, relationship: str) -> Iterable[tuple[str, int]]:
        return [(uid, len(v or [])) for uid, v in self._values(kind, f"r_{relationship}")]
