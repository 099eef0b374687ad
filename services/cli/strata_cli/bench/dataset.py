"""A seeded, realistic data set on the schema-library base schemas, for benchmarks and tests.

Sites hold racks (a location hierarchy), racks hold devices, each device has 48 physical
interfaces and one IP address on its first interface inside its site's prefix; tags, a
manufacturer, platforms and device types are shared. The base files are loaded unchanged; the
base schemas only define location *generics*, so a small extension adds the two concrete
location kinds (`LocationSite`, `LocationRack`).

Objects come in dependency order: every peer an object names is an earlier object, so any
prefix of the list is itself a valid data set (`generate(total)` is exactly that prefix).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import yaml

from strata_cli.paths import repo_root
from strata_events import AttributeValue, NodeCreated

__all__ = [
    "DEVICES_PER_RACK",
    "INTERFACES_PER_DEVICE",
    "LOCATION_EXTENSION",
    "RACKS_PER_SITE",
    "SeedObject",
    "base_schema_dir",
    "base_schema_documents",
    "create_field",
    "generate",
    "mutation_document",
    "node_created",
    "schema_documents",
]

INTERFACES_PER_DEVICE = 48
DEVICES_PER_RACK = 10
RACKS_PER_SITE = 4
_TAGS = ("prod", "staging", "lab", "edge", "core", "pci", "legacy", "monitored")
_ROLES = ("core", "edge", "spine", "leaf", "tor")
_STATUSES = ("active", "provisioning", "maintenance", "drained")

LOCATION_EXTENSION: dict[str, Any] = {
    "version": "1.0",
    "nodes": [
        {"name": "Site", "namespace": "Location", "inherit_from": ["LocationGeneric", "LocationHosting"],
         "children": "LocationRack", "include_in_menu": True},
        {"name": "Rack", "namespace": "Location", "inherit_from": ["LocationGeneric", "LocationHosting"],
         "parent": "LocationSite", "include_in_menu": True,
         "attributes": [{"name": "height", "kind": "Number", "optional": True}]},
    ],
}  # fmt: skip


class SeedObject(msgspec.Struct, frozen=True):
    """One object to create: plain attribute values and peer ids per relationship."""

    uid: str
    kind: str
    attrs: dict[str, Any]
    rels: dict[str, list[str]] = {}


def base_schema_dir() -> Path:
    return repo_root().parent / "shared" / "data" / "schemas" / "schema-library-base"


def schema_documents() -> dict[str, Any]:
    """The body of `POST /api/schema/load`: the base files as they are, then the extension."""
    return {"schemas": [*base_schema_documents()["schemas"], LOCATION_EXTENSION]}


def base_schema_documents() -> dict[str, Any]:
    """The base files alone, as they are. Without them the extension alone fails to load with
    a riddle (`'LocationGeneric' is not a known generic`), so their absence is named instead."""
    directory = base_schema_dir()
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise FileNotFoundError(
            f"no schema-library-base files (*.yml) in {directory}: the shared data is expected "
            "in ../shared beside the checkout"
        )
    return {"schemas": [yaml.safe_load(p.read_text()) for p in files]}


class _Ids:
    """Deterministic uuid4-shaped ids from the seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def next(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def _shared(ids: _Ids) -> Iterator[SeedObject]:
    for name in _TAGS:
        yield SeedObject(ids.next(), "BuiltinTag", {"name": name})
    maker = ids.next()
    yield SeedObject(maker, "OrganizationManufacturer", {"name": "Acme Networks"})
    platforms = []
    for name in ("acme-os", "acme-os-lts"):
        platforms.append(ids.next())
        yield SeedObject(platforms[-1], "DcimPlatform", {"name": name}, {"manufacturer": [maker]})
    for index, name in enumerate(("AX-48", "AX-48-HD")):
        yield SeedObject(ids.next(), "DcimDeviceType", {"name": name, "height": 1 + index},
                         {"manufacturer": [maker], "platform": [platforms[index]]})  # fmt: skip


def _objects(seed: int) -> Iterator[SeedObject]:
    rng = random.Random(seed)
    ids = _Ids(rng)
    shared = list(_shared(ids))
    yield from shared
    tags = [o.uid for o in shared if o.kind == "BuiltinTag"]
    platforms = [o.uid for o in shared if o.kind == "DcimPlatform"]
    types = [o.uid for o in shared if o.kind == "DcimDeviceType"]
    device_no = 0
    for site_no in range(1 << 30):
        site = SeedObject(ids.next(), "LocationSite", {"name": f"Site {site_no}", "shortname": f"site-{site_no:05d}"},
                          {"tags": [rng.choice(tags)]})  # fmt: skip
        yield site
        net = site_no  # one /16 per site inside 10.0.0.0/8 and beyond: addresses stay unique
        prefix = SeedObject(ids.next(), "IpamPrefix",
                            {"prefix": f"{10 + net // 256}.{net % 256}.0.0/16", "status": "active", "role": "server"},
                            {"location": [site.uid]})  # fmt: skip
        yield prefix
        for rack_no in range(RACKS_PER_SITE):
            rack = SeedObject(ids.next(), "LocationRack",
                              {"name": f"Rack {site_no}.{rack_no}", "shortname": f"rack-{site_no:05d}-{rack_no}", "height": 42},
                              {"parent": [site.uid]})  # fmt: skip
            yield rack
            for slot in range(DEVICES_PER_RACK):
                yield from _device(ids, rng, device_no, slot, rack.uid, prefix, net, tags, platforms, types)
                device_no += 1


def _device(
    ids: _Ids, rng: random.Random, number: int, slot: int, rack: str, prefix: SeedObject, net: int,
    tags: list[str], platforms: list[str], types: list[str],
) -> Iterator[SeedObject]:  # fmt: skip
    device = SeedObject(
        ids.next(), "DcimDevice",
        {"name": f"dev-{number:07d}", "status": rng.choice(_STATUSES), "role": rng.choice(_ROLES),
         "serial": f"SN{rng.getrandbits(40):010X}", "position": 1 + 2 * slot, "os_version": "7.2.1"},
        {"location": [rack], "device_type": [rng.choice(types)], "platform": [rng.choice(platforms)],
         "tags": sorted(set(rng.sample(tags, 2)))},
    )  # fmt: skip
    yield device
    first = ""
    for port in range(INTERFACES_PER_DEVICE):
        uid = ids.next()
        first = first or uid
        yield SeedObject(uid, "InterfacePhysical",
                         {"name": f"Ethernet{port + 1}", "status": "active" if port < 24 else "free",
                          "mtu": 9000 if port < 2 else 1500},
                         {"device": [device.uid]})  # fmt: skip
    host = number % 65_000 + 1
    address = f"{10 + net // 256}.{net % 256}.{host // 256}.{host % 256}/16"
    yield SeedObject(ids.next(), "IpamIPAddress", {"address": address},
                     {"interface": [first]})  # fmt: skip


def generate(total: int, *, seed: int = 7) -> list[SeedObject]:
    """The first `total` objects of the data set for `seed` (the same list on every call)."""
    if total < 0:
        raise ValueError(f"total: must be >= 0, got {total}")
    out: list[SeedObject] = []
    for obj in _objects(seed):
        if len(out) == total:
            break
        out.append(obj)
    return out


def _gql_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def create_field(obj: SeedObject, alias: str) -> str:
    """`<alias>: <Kind>Create(data: {...}) { ok }`, the object's id given in the input."""
    parts = [f'id: "{obj.uid}"']
    parts += [f"{name}: {{value: {_gql_value(value)}}}" for name, value in obj.attrs.items()]
    for name, peers in obj.rels.items():
        refs = ", ".join(f'{{id: "{p}"}}' for p in peers)
        parts.append(f"{name}: {refs}" if len(peers) == 1 else f"{name}: [{refs}]")
    return f"{alias}: {obj.kind}Create(data: {{{', '.join(parts)}}}) {{ ok }}"


def mutation_document(objects: list[SeedObject]) -> str:
    """One mutation document creating `objects` (one atomic batch on the server)."""
    return "mutation {\n" + "\n".join(create_field(o, f"c{i}") for i, o in enumerate(objects)) + "\n}"


def node_created(obj: SeedObject) -> NodeCreated:
    """The object as the event a create appends (without its peers' back-references)."""
    return NodeCreated(
        node_id=obj.uid, kind=obj.kind,
        attributes={name: AttributeValue(value=value) for name, value in obj.attrs.items()},
        relationships=dict(obj.rels),
    )  # fmt: skip
