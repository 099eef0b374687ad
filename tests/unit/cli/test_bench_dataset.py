"""The benchmark data set: deterministic, the promised shape, every reference valid, and loadable
on the schema-library base schemas with every create accepted by the decision layer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from strata_cli.bench import dataset
from strata_cli.bench.dataset import (
    DEVICES_PER_RACK,
    INTERFACES_PER_DEVICE,
    RACKS_PER_SITE,
    SeedObject,
    create_field,
    generate,
    schema_documents,
)
from strata_events import NodeCreated
from strata_mutations import NodeRecord, decide_create
from strata_schema import BranchSchema

SITE_OBJECTS = 2 + RACKS_PER_SITE * (1 + DEVICES_PER_RACK * (2 + INTERFACES_PER_DEVICE))  # site, prefix, racks…
SHARED = 8 + 1 + 2 + 2  # tags, manufacturer, platforms, device types


def test_the_same_seed_gives_the_same_objects_and_another_seed_other_ids() -> None:
    assert generate(500, seed=3) == generate(500, seed=3)
    assert [o.uid for o in generate(50, seed=3)] != [o.uid for o in generate(50, seed=4)]
    assert generate(300) == generate(1000)[:300]


def test_counts_per_kind_for_one_full_site() -> None:
    objects = generate(SHARED + SITE_OBJECTS)
    counts = Counter(o.kind for o in objects)
    devices = RACKS_PER_SITE * DEVICES_PER_RACK
    assert counts == {
        "BuiltinTag": 8, "OrganizationManufacturer": 1, "DcimPlatform": 2, "DcimDeviceType": 2,
        "LocationSite": 1, "IpamPrefix": 1, "LocationRack": RACKS_PER_SITE, "DcimDevice": devices,
        "InterfacePhysical": devices * INTERFACES_PER_DEVICE, "IpamIPAddress": devices,
    }  # fmt: skip
    assert len(generate(12_345)) == 12_345


def test_every_reference_names_an_earlier_object_of_a_fitting_kind() -> None:
    objects = generate(3 * (SHARED + SITE_OBJECTS))
    seen: dict[str, SeedObject] = {}
    peer_kinds = {"location": {"LocationRack", "LocationSite"}, "parent": {"LocationSite"}, "device": {"DcimDevice"},
                  "interface": {"InterfacePhysical"}, "tags": {"BuiltinTag"}, "manufacturer": {"OrganizationManufacturer"},
                  "platform": {"DcimPlatform"}, "device_type": {"DcimDeviceType"}}  # fmt: skip
    for obj in objects:
        assert obj.uid not in seen, "ids are unique"
        for rel, peers in obj.rels.items():
            for peer in peers:
                assert peer in seen, f"{obj.kind}.{rel} names {peer}, not created before it"
                assert seen[peer].kind in peer_kinds[rel]
        seen[obj.uid] = obj
    names = [o.attrs["name"] for o in objects if o.kind == "DcimDevice"]
    assert len(names) == len(set(names))
    addresses = [o.attrs["address"] for o in objects if o.kind == "IpamIPAddress"]
    assert len(addresses) == len(set(addresses))


class _Reader:
    """The objects accepted so far, as the decision layer reads them."""

    def __init__(self) -> None:
        self.records: dict[str, NodeRecord] = {}

    async def get(self, ids: Any) -> dict[str, NodeRecord]:
        return {i: self.records[i] for i in ids if i in self.records}

    async def find_by_hfid(self, kind: str, hfid: list[str]) -> NodeRecord | None:
        return None

    async def find_by_values(self, kind: str, values: Any) -> list[NodeRecord]:
        return [r for r in self.records.values() if all(
            v in r.rels.get(k, []) if k in r.rels else r.value(k) == v for k, v in values.items())]  # fmt: skip


@pytest.fixture(scope="module")
def base_schema() -> BranchSchema:
    files = [(f"{i}.yml", doc) for i, doc in enumerate(schema_documents()["schemas"])]
    return BranchSchema.initial().load(files).new_schema


async def test_every_object_is_a_valid_create_on_the_base_schemas(base_schema: BranchSchema) -> None:
    reader = _Reader()
    for obj in generate(SHARED + 2 + 1 + 2 * (2 + INTERFACES_PER_DEVICE)):  # shared, site, prefix, rack, 2 devices
        data: dict[str, Any] = {"id": obj.uid, **{k: {"value": v} for k, v in obj.attrs.items()}}
        data |= {k: [{"id": p} for p in v] if len(v) > 1 else {"id": v[0]} for k, v in obj.rels.items()}
        events = await decide_create(base_schema, obj.kind, data, reader, "unused")
        assert isinstance(events[0], NodeCreated)
        assert (events[0].node_id, events[0].kind) == (obj.uid, obj.kind)
        assert {k: v.value for k, v in events[0].attributes.items() if k in obj.attrs} == obj.attrs
        reader.records[obj.uid] = NodeRecord(uid=obj.uid, kind=obj.kind,
                                             attrs={k: {"value": v.value} for k, v in events[0].attributes.items()},
                                             rels=dict(events[0].relationships))  # fmt: skip


def test_a_create_field_names_the_id_and_every_value() -> None:
    device = next(o for o in generate(100) if o.kind == "DcimDevice")
    field = create_field(device, "c7")
    assert field.startswith(f'c7: DcimDeviceCreate(data: {{id: "{device.uid}"')
    assert f'name: {{value: "{device.attrs["name"]}"}}' in field and "position: {value: " in field
    assert f'location: {{id: "{device.rels["location"][0]}"}}' in field and "tags: [{id: " in field


def test_missing_base_schema_files_are_named_rather_than_loaded_as_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dataset, "base_schema_dir", lambda: tmp_path / "schema-library-base")
    with pytest.raises(FileNotFoundError, match="schema-library-base"):
        schema_documents()
