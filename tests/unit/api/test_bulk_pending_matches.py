"""A lookup by values among a bulk document's own objects answers what a scan of them all would."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from strata_api.bulk_speculation import SpeculativeReader
from strata_api.bulk_value_index import holds_values
from strata_cli.bench.dataset import schema_documents
from strata_events import AttributeValue, NodeCreated
from strata_graphql.runtime.shaping import concrete_kinds
from strata_mutations import NodeRecord
from strata_schema import BranchSchema

_SCHEMA = BranchSchema.initial().load(
    [(f"{i}.yml", doc) for i, doc in enumerate(schema_documents()["schemas"])]
).new_schema
_DEVICES = ["d1", "d2", "d3"]
_NAMES = ["eth0", "eth1", "d1"]  # a name may equal a peer's id
_KINDS = ["InterfacePhysical", "InterfaceVirtual"]


def _reader(objects: list[tuple[str, str, str, int | None]]) -> tuple[SpeculativeReader, dict[str, NodeRecord]]:
    pending: dict[str, NodeRecord] = {}
    reader = SpeculativeReader(SimpleNamespace(schema=_SCHEMA, reader=None), pending)  # type: ignore[arg-type]  # no graph read here
    for i, (kind, device, name, mtu) in enumerate(objects):
        uid = f"o{i}"
        pending[uid] = NodeRecord(uid=uid, kind=kind, attrs={"name": {"value": name}, "mtu": {"value": mtu}},
                                  rels={"device": [device]})  # fmt: skip
        reader.reindex([NodeCreated(node_id=uid, kind=kind, relationships={"device": [device]},
                                    attributes={"name": AttributeValue(value=name), "mtu": AttributeValue(value=mtu)})])  # fmt: skip
    return reader, pending


_OBJECTS = st.lists(st.tuples(st.sampled_from(_KINDS), st.sampled_from(_DEVICES), st.sampled_from(_NAMES),
                              st.sampled_from([1500, 9000, None])), max_size=30)  # fmt: skip
_LOOKUPS = st.dictionaries(st.sampled_from(["device", "name", "mtu"]),
                           st.sampled_from([*_DEVICES, *_NAMES, 1500, 9000, None]), max_size=3)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(_OBJECTS, st.sampled_from(["InterfacePhysical", "InterfaceVirtual", "DcimInterface"]), _LOOKUPS)
def test_a_lookup_answers_as_a_scan_of_every_object(objects: list[Any], kind: str, values: dict[str, Any]) -> None:
    reader, pending = _reader(objects)
    kinds = set(concrete_kinds(_SCHEMA, kind))
    scanned = sorted(r.uid for r in pending.values() if r.kind in kinds and holds_values(r, values))
    assert sorted(r.uid for r in reader._pending_matches(kind, values)) == scanned
