"""The default order of a kind's list comes from its schema's `order_by` attribute paths."""

from __future__ import annotations

from typing import Any, cast

from strata_cli.bench.dataset import schema_documents
from strata_graphql.runtime.filters import plan_query
from strata_graphql.runtime.reader import GraphReader
from strata_schema import BranchSchema

_NO_READS = cast(GraphReader, None)  # an order alone reads nothing


def _base_schema() -> BranchSchema:
    files = [(f"{i}.yml", doc) for i, doc in enumerate(schema_documents()["schemas"])]
    return BranchSchema.initial().load(files).new_schema


async def test_paths_through_a_relationship_are_not_turned_into_properties() -> None:
    schema = _base_schema()
    interface = schema.get("InterfacePhysical")
    assert interface is not None and list(interface.order_by or ()) == ["device__name__value", "name__value"]
    plan = await plan_query(schema, interface, {}, _NO_READS)
    assert plan.order == ["v_name"]  # `device__name__value` once became "v_device", a property no record has


async def test_attribute_paths_keep_their_order_and_disable_drops_them() -> None:
    schema = _base_schema()
    site = schema.get("LocationSite")
    assert site is not None
    assert (await plan_query(schema, site, {}, _NO_READS)).order == ["v_name"]
    args: dict[str, Any] = {"order": {"disable": True}}
    assert (await plan_query(schema, site, args, _NO_READS)).order == []
