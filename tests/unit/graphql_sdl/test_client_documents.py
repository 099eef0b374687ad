"""Documents the SDK builds outside the recorded session, written the way the SDK writes them."""

from __future__ import annotations

import graphql
import pytest

from strata_graphql.sdl import GraphQLSchemaCache, build_graphql_schema
from strata_schema import BranchSchema

DOCUMENTS = {
    "repository commit update": """
        mutation ($repository_id: String!, $commit: String!) {
            CoreRepositoryUpdate(data: {
                id: $repository_id, commit: { is_protected: true, source: $repository_id, value: $commit }
            }) { ok object { commit { value } } }
        }""",
    "relationships by identifier": """
        query GetRelationships($relationship_identifiers: [String!]!) {
            Relationship(ids: $relationship_identifiers) { count edges { node { identifier peers { id kind } } } }
        }""",
    "object conversion": """
        mutation($node_id: String!, $target_kind: String!, $fields_mapping: GenericScalar!) {
            ConvertObjectType(data: { node_id: $node_id, target_kind: $target_kind, fields_mapping: $fields_mapping }) {
                ok node
            }
        }""",
    "tasks": """
        query {
            InfrahubTask(limit: 10, offset: 0, state: [RUNNING], branch: "main") {
                count
                edges { node {
                    id title state progress workflow branch created_at updated_at
                    logs { edges { node { message severity timestamp } } }
                    related_nodes { id kind }
                } }
            }
        }""",
    "task retry": 'mutation { InfrahubTaskRetry(data: { id: "t" }) { ok task { id } } }',
    "pool allocations": """
        query GetAllocatedResourceForPool($pool_id: String!, $resource_id: String!, $offset: Int!, $limit: Int!) {
            InfrahubResourcePoolAllocated(pool_id: $pool_id, resource_id: $resource_id, offset: $offset, limit: $limit) {
                count edges { node { id kind branch identifier } }
            }
        }""",
    "pool utilization": """
        query GetUtilizationForPool($pool_id: String!) {
            InfrahubResourcePoolUtilization(pool_id: $pool_id) {
                count edges { node { id kind utilization utilization_branches utilization_default_branch } }
            }
        }""",
    "address from a pool": """
        mutation {
            InfrahubIPAddressPoolGetResource(data: {
                id: "p", identifier: "i", prefix_length: 32, address_type: "IpamIPAddress", data: { description: "x" }
            }) { ok node { id kind identifier display_label } }
        }""",
    "dropdown option": """
        mutation {
            SchemaDropdownAdd(data: { kind: "CoreAccount", attribute: "status", dropdown: "x", color: "#ffffff" }) { ok }
        }""",
    "group membership": 'mutation { RelationshipAdd(data: { id: "g", name: "members", nodes: [{ id: "n" }] }) { ok } }',
    "profile": """
        mutation {
            ProfileBuiltinTagCreate(data: { profile_name: { value: "p" }, profile_priority: { value: 10 } }) {
                ok object { id }
            }
        }""",
    "generic update": """
        mutation { CoreGenericRepositoryUpdate(data: { id: "r", description: { value: "x" } }) { ok } }""",
    "number from a pool": """
        mutation {
            CoreMenuItemCreate(data: { name: { value: "m" }, order_weight: { from_pool: { id: "pool" } } }) { ok }
        }""",
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_client_document_is_valid(name: str, core: BranchSchema, schemas: GraphQLSchemaCache) -> None:
    schema = build_graphql_schema(core, schemas)
    assert [e.message for e in graphql.validate(schema, graphql.parse(DOCUMENTS[name]))] == []
