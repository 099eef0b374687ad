"""Properties: what the decisions leave behind, once folded the way the projector folds them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from strata_mutations import (
    NodeRecord,
    decide_create,
    decide_delete,
    decide_relationship_add,
    decide_relationship_remove,
    decide_update,
)
from strata_schema import BranchSchema

from .conftest import ANIMALS, FakeReader, record

SCHEMA = BranchSchema.initial().load([("animals.yml", ANIMALS)]).new_schema
CLUBS = ("chess", "go", "poker")
TAGS = ("red", "blue", "green")
subsets = st.lists(st.sampled_from(CLUBS), unique=True)
tag_sets = st.lists(st.sampled_from(TAGS), unique=True)


def world(clubs: Sequence[str], tags: Sequence[str] = ()) -> FakeReader:
    """Bob in `clubs` (both sides stored) with `tags`, Carol in every club."""
    records = [
        record("bob", "TestingPerson", {"clubs": list(clubs), "tags": list(tags)}, name="Bob"),
        record("carol", "TestingPerson", {"clubs": list(CLUBS)}, name="Carol"),
        *[record(t, "BuiltinTag", name=t) for t in TAGS],
        *[record(c, "TestingClub", {"members": (["bob"] if c in clubs else []) + ["carol"]}, name=c) for c in CLUBS],
    ]
    return FakeReader(SCHEMA, records)


def snapshot(reader: FakeReader) -> dict[str, tuple[str, dict[str, object], dict[str, frozenset[str]]]]:
    def shape(r: NodeRecord) -> tuple[str, dict[str, object], dict[str, frozenset[str]]]:
        values = {k: v.get("value") for k, v in r.attrs.items() if v.get("value") is not None}
        return r.kind, values, {k: frozenset(v) for k, v in r.rels.items() if v}

    return {uid: shape(r) for uid, r in reader.records.items()}


def consistent(reader: FakeReader) -> bool:
    """Every club membership is stored on both sides."""
    return all(
        (club in person.peers("clubs")) == (person.uid in reader.records[club].peers("members"))
        for person in reader.records.values() if person.kind == "TestingPerson"
        for club in CLUBS
    )


@settings(max_examples=60, deadline=None)
@given(before=subsets, after=subsets, tags_before=tag_sets, tags_after=tag_sets)
def test_replacing_a_set_then_reading_it_back_gives_the_input(
    before: list[str], after: list[str], tags_before: list[str], tags_after: list[str]
) -> None:
    reader = world(before, tags_before)
    data = {"id": "bob", "clubs": [{"id": c} for c in after], "tags": [{"hfid": [t]} for t in tags_after]}
    reader.apply(asyncio.run(decide_update(SCHEMA, "TestingPerson", data, reader)).events)
    bob = reader.records["bob"]
    assert set(bob.peers("clubs")) == set(after)
    assert set(bob.peers("tags")) == set(tags_after)
    assert consistent(reader)


@settings(max_examples=60, deadline=None)
@given(start=subsets, extra=subsets)
def test_add_then_remove_what_was_added_restores_the_state(start: list[str], extra: list[str]) -> None:
    reader = world(start)
    original = snapshot(reader)
    reader.apply(asyncio.run(decide_relationship_add(SCHEMA, "bob", "clubs", extra, reader)))
    assert set(reader.records["bob"].peers("clubs")) == set(start) | set(extra)
    assert consistent(reader)
    added = [c for c in extra if c not in start]
    reader.apply(asyncio.run(decide_relationship_remove(SCHEMA, "bob", "clubs", added, reader)))
    assert snapshot(reader) == original


@settings(max_examples=40, deadline=None)
@given(clubs=subsets, tags=tag_sets, start=subsets)
def test_create_then_delete_restores_the_state(clubs: list[str], tags: list[str], start: list[str]) -> None:
    reader = world(start)
    original = snapshot(reader)
    data = {"name": {"value": "Dave"}, "clubs": [{"id": c} for c in clubs], "tags": [{"id": t} for t in tags]}
    reader.apply(asyncio.run(decide_create(SCHEMA, "TestingPerson", data, reader, "dave")))
    assert consistent(reader)
    reader.apply(asyncio.run(decide_delete(SCHEMA, "TestingPerson", "dave", reader)).events)
    assert snapshot(reader) == original
