"""The animal schema of the SDK's tests (plus clubs, collars and places) and an in-memory reader."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec
import pytest

from strata_graph.folding import apply_node_event
from strata_graph.records import RecordState
from strata_mutations import NodeEvent, NodeRecord
from strata_schema import BranchSchema, GenericSchema


def _rel(name: str, peer: str, cardinality: str = "many", **extra: Any) -> dict[str, Any]:
    return {"name": name, "peer": peer, "cardinality": cardinality, **extra}


ANIMALS: dict[str, Any] = {
    "version": "1.0",
    "generics": [
        {
            "name": "Animal", "namespace": "Testing",
            "human_friendly_id": ["owner__name__value", "name__value"],
            "uniqueness_constraints": [["owner", "name__value"]],
            "attributes": [{"name": "name", "kind": "Text"}, {"name": "weight", "kind": "Number", "optional": True}],
            "relationships": [
                _rel("owner", "TestingPerson", "one", optional=False, identifier="person__animal",
                     direction="outbound"),
                _rel("best_friend", "TestingPerson", "one", optional=True, identifier="person__animal_friend",
                     direction="outbound"),
            ],
        },
        {"name": "Place", "namespace": "Testing", "hierarchical": True,
         "attributes": [{"name": "name", "kind": "Text", "unique": True}]},
    ],
    "nodes": [
        {
            "name": "Person", "namespace": "Testing", "default_filter": "name__value",
            "human_friendly_id": ["name__value"],
            "attributes": [
                {"name": "name", "kind": "Text", "unique": True},
                {"name": "height", "kind": "Number", "optional": True},
                {"name": "nickname", "kind": "Text", "optional": True, "read_only": True},
                {"name": "mood", "kind": "Dropdown", "optional": True, "default_value": "calm",
                 "choices": [{"name": "calm"}, {"name": "grumpy"}]},
            ],
            "relationships": [
                _rel("animals", "TestingAnimal", identifier="person__animal", direction="inbound", max_count=10),
                _rel("favorite_animal", "TestingAnimal", "one", identifier="favorite_animal", direction="inbound"),
                _rel("best_friends", "TestingAnimal", identifier="person__animal_friend", direction="inbound"),
                _rel("tags", "BuiltinTag", optional=True),
                _rel("clubs", "TestingClub", identifier="club__member", max_count=3),
            ],
        },
        {
            "name": "Dog", "namespace": "Testing", "inherit_from": ["TestingAnimal"],
            "attributes": [{"name": "breed", "kind": "Text"},
                           {"name": "color", "kind": "Color", "default_value": "#444444", "optional": True}],
            "relationships": [_rel("collars", "TestingCollar", kind="Component", identifier="dog__collar")],
        },
        {
            "name": "Cat", "namespace": "Testing", "inherit_from": ["TestingAnimal"],
            "human_friendly_id": ["owner__name__value", "name__value", "color__value"],
            "attributes": [{"name": "breed", "kind": "Text"},
                           {"name": "color", "kind": "Color", "default_value": "#555555", "optional": True}],
        },
        {"name": "Club", "namespace": "Testing", "attributes": [{"name": "name", "kind": "Text", "unique": True}],
         "relationships": [_rel("members", "TestingPerson", identifier="club__member")]},
        {
            "name": "Collar", "namespace": "Testing", "attributes": [{"name": "size", "kind": "Text"}],
            "relationships": [
                _rel("dog", "TestingDog", "one", kind="Parent", optional=False, identifier="dog__collar"),
                _rel("bells", "TestingBell", kind="Component", identifier="collar__bell"),
            ],
        },
        {"name": "Bell", "namespace": "Testing", "attributes": [{"name": "tone", "kind": "Text"}],
         "relationships": [_rel("collar", "TestingCollar", "one", kind="Parent", optional=False,
                                identifier="collar__bell")]},
        {"name": "Region", "namespace": "Testing", "inherit_from": ["TestingPlace"], "children": "TestingSite"},
        {"name": "Site", "namespace": "Testing", "inherit_from": ["TestingPlace"], "parent": "TestingRegion"},
    ],
}


@pytest.fixture(scope="session")
def schema() -> BranchSchema:
    return BranchSchema.initial().load([("animals.yml", ANIMALS)]).new_schema


def record(uid: str, kind: str, rels: Mapping[str, list[str]] | None = None, **values: Any) -> NodeRecord:
    """A stored object with plain attribute values."""
    return NodeRecord(uid=uid, kind=kind, attrs={k: {"value": v} for k, v in values.items()}, rels=dict(rels or {}))


class FakeReader:
    """The state reader over a dict of records; `apply` folds events the way the projector does."""

    def __init__(self, schema: BranchSchema, records: Iterable[NodeRecord] = ()) -> None:
        self.schema = schema
        self.records = {r.uid: r for r in records}

    def _is(self, kind: str, target: str) -> bool:
        wanted = self.schema.get(target)
        own = self.schema.get(kind)
        return (kind == target or (isinstance(wanted, GenericSchema) and kind in wanted.used_by)
                or target in getattr(own, "inherit_from", ()))

    def _hfid(self, rec: NodeRecord) -> list[str] | None:
        parts: list[str] = []
        node = self.schema.get(rec.kind)
        for component in (node.human_friendly_id if node else None) or ():
            name, _, rest = component.partition("__")
            target: NodeRecord | None = rec
            if node is not None and node.relationship(name) is not None:
                peers = rec.peers(name)
                target = self.records.get(peers[0]) if peers else None
                name, _, rest = rest.partition("__")
            value = target.value(name) if target is not None else None
            if value is None:
                return None
            parts.append(str(value))
        return parts or None

    async def get(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        return {i: self.records[i] for i in ids if i in self.records}

    async def find_by_hfid(self, kind: str, hfid: list[str]) -> NodeRecord | None:
        found = [r for r in self.records.values() if self._is(r.kind, kind) and self._hfid(r) == hfid]
        return found[0] if found else None

    async def find_by_values(self, kind: str, values: Mapping[str, Any]) -> list[NodeRecord]:
        def matches(rec: NodeRecord) -> bool:
            node = self.schema.get(rec.kind)
            for key, wanted in values.items():
                if node is not None and node.relationship(key) is not None:
                    if wanted not in rec.peers(key):
                        return False
                elif rec.value(key) != wanted:
                    return False
            return True

        return [r for r in self.records.values() if self._is(r.kind, kind) and matches(r)]

    def apply(self, events: Iterable[NodeEvent]) -> None:
        for event in events:
            before = self.records.get(event.node_id)
            state = apply_node_event(
                RecordState(kind=before.kind, attrs=before.attrs, rels=before.rels) if before else None, event
            )
            if state.deleted:
                self.records.pop(event.node_id, None)
            else:
                self.records[event.node_id] = NodeRecord(uid=event.node_id, kind=state.kind,
                                                         attrs=msgspec.to_builtins(state.attrs), rels=state.rels)


@pytest.fixture
def world(schema: BranchSchema) -> FakeReader:
    """Bob and Carol; Bob owns the dog Rex (with a collar and a bell) and is in the chess club;
    tags red and blue; a region with one site."""
    return FakeReader(schema, [
        record("bob", "TestingPerson", {"animals": ["rex"], "clubs": ["chess"], "tags": ["red"]}, name="Bob", height=180),
        record("carol", "TestingPerson", name="Carol"),
        record("rex", "TestingDog", {"owner": ["bob"], "collars": ["collar1"]}, name="Rex", breed="Pug",
               color="#444444"),
        record("collar1", "TestingCollar", {"dog": ["rex"], "bells": ["bell1"]}, size="M"),
        record("bell1", "TestingBell", {"collar": ["collar1"]}, tone="A"),
        record("chess", "TestingClub", {"members": ["bob"]}, name="chess"),
        record("go", "TestingClub", name="go"),
        record("red", "BuiltinTag", name="red"),
        record("blue", "BuiltinTag", name="blue"),
        record("europe", "TestingRegion", {"children": ["paris"]}, name="europe"),
        record("paris", "TestingSite", {"parent": ["europe"]}, name="paris"),
    ])
