"""A shaped object works out each field when first read, and reads as if all were there."""

from __future__ import annotations

from strata_graphql.runtime.reader import NodeRow
from strata_graphql.runtime.shaping import RelPeers, shape_node
from tests.unit.graphql_runtime.test_query_order import _base_schema


def test_fields_are_there_before_they_are_computed() -> None:
    schema = _base_schema()
    row = NodeRow(uid="i1", kind="InterfacePhysical", attrs={"name": {"value": "eth0", "source": "acct"}},
                  rels={"device": ["d1"]})  # fmt: skip
    node = shape_node(row, schema)
    assert set(node) == {"id", "__kind", "__row"}  # nothing worked out yet
    assert "name" in node and "mtu" in node and "device" in node and "display_label" in node
    assert "no_such_field" not in node and node.get("no_such_field", "absent") == "absent"
    assert node["name"]["value"] == "eth0" and node["name"]["source"].uid == "acct"
    assert node.get("mtu")["value"] == schema.get("InterfacePhysical").attribute("mtu").default_value  # type: ignore[union-attr]
    assert node.get("mtu")["is_default"] is True
    device = node["device"]
    assert isinstance(device, RelPeers) and device.peer_ids == ["d1"]
    assert node.get("hfid") is not None  # interfaces have a human-friendly id
    assert set(node) == {"id", "__kind", "__row", "name", "mtu", "device", "hfid"}


def test_an_object_of_an_unknown_kind_has_its_id_only() -> None:
    node = shape_node(NodeRow(uid="x", kind="Gone", attrs={}, rels={}), _base_schema())
    assert node["id"] == "x" and node.get("name") is None and "name" not in node
