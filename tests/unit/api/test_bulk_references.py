"""The peers a bulk document points to, read from its text before deciding."""

from __future__ import annotations

from graphql import parse

from strata_api.bulk_references import referenced_ids
from strata_cli.bench.dataset import schema_documents
from strata_schema import BranchSchema


def _schema() -> BranchSchema:
    files = [(f"{i}.yml", doc) for i, doc in enumerate(schema_documents()["schemas"])]
    return BranchSchema.initial().load(files).new_schema


def test_ids_given_to_relationships_in_literals_and_variables() -> None:
    document = parse("""mutation($tag: String!, $data: DcimDeviceCreateInput!) {
      a: InterfacePhysicalCreate(data: {id: "own-id", name: {value: "eth0"}, device: {id: "dev-1"},
                                        tags: [{id: "tag-1"}, {id: $tag}, {hfid: ["by-name"]}]}) { ok }
      b: DcimDeviceCreate(data: $data) { ok }
      c: BuiltinTagCreate(data: {name: {value: "x"}}) { ok }
    }""")
    variables = {"tag": "tag-2", "data": {"name": {"value": "d"}, "location": {"id": "site-1"}, "description": {"value": "dev-9"}}}
    assert referenced_ids(document, _schema(), variables) == {"dev-1", "tag-1", "tag-2", "site-1"}
