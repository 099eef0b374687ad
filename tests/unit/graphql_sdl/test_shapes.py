"""Targeted checks of the generated shapes: filters, interfaces, connections, mutation inputs."""

from __future__ import annotations

import graphql
import pytest

from strata_graphql.sdl import GraphQLSchemaCache, build_graphql_schema
from strata_schema import BranchSchema, load


@pytest.fixture(scope="module")
def schema(recorded: BranchSchema, schemas: GraphQLSchemaCache) -> graphql.GraphQLSchema:
    return build_graphql_schema(recorded, schemas)


@pytest.fixture(scope="module")
def base_schema(base: BranchSchema, schemas: GraphQLSchemaCache) -> graphql.GraphQLSchema:
    return build_graphql_schema(base, schemas)


def named(schema: graphql.GraphQLSchema, name: str) -> graphql.GraphQLNamedType:
    found = schema.get_type(name)
    assert found is not None, name
    return found


def fields(schema: graphql.GraphQLSchema, name: str) -> dict[str, str]:
    """`field -> type` of an object, interface or input type."""
    type_ = named(schema, name)
    assert isinstance(type_, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType | graphql.GraphQLInputObjectType)
    return {key: str(value.type) for key, value in type_.fields.items()}


def arguments(schema: graphql.GraphQLSchema, name: str, field: str) -> dict[str, str]:
    type_ = named(schema, name)
    assert isinstance(type_, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType)
    return {key: str(value.type) for key, value in type_.fields[field].args.items()}


def interfaces(schema: graphql.GraphQLSchema, name: str) -> set[str]:
    type_ = named(schema, name)
    assert isinstance(type_, graphql.GraphQLObjectType)
    return {i.name for i in type_.interfaces}


# -- queries ------------------------------------------------------------------------------------
def test_attribute_filters_of_a_top_level_query(schema: graphql.GraphQLSchema) -> None:
    args = arguments(schema, "Query", "TestingPerson")
    assert fields(schema, "Query")["TestingPerson"] == "PaginatedTestingPerson!"
    assert {
        "offset": "Int", "limit": "Int", "order": "OrderInput", "ids": "[ID]", "hfid": "[String]",
        "name__value": "String", "name__values": "[String]", "name__isnull": "Boolean",
        "name__source__id": "ID", "name__owner__id": "ID", "name__is_visible": "Boolean",
        "name__is_protected": "Boolean", "height__value": "BigInt", "height__values": "[BigInt]",
        "any__value": "String", "partial_match": "Boolean",
    }.items() <= args.items()
    assert list(args)[:4] == ["offset", "limit", "order", "ids"]


def test_relationship_filters_of_a_top_level_query(schema: graphql.GraphQLSchema) -> None:
    args = arguments(schema, "Query", "TestingDog")
    assert {
        "owner__ids": "[ID]", "owner__isnull": "Boolean", "owner__name__value": "String",
        "owner__height__values": "[BigInt]", "owner__name__is_protected": "Boolean",
    }.items() <= args.items()
    # Peer attributes are filtered without `isnull`, and groups without properties.
    assert "owner__name__isnull" not in args
    assert "member_of_groups__name__value" in args
    assert "member_of_groups__name__is_visible" not in args
    # A kind without a human friendly id cannot be filtered on one.
    assert "hfid" not in arguments(schema, "Query", "CoreProposedChange")


def test_generic_ip_listings_may_include_available_space(base_schema: graphql.GraphQLSchema) -> None:
    for kind in ("BuiltinIPPrefix", "BuiltinIPAddress"):
        args = arguments(base_schema, "Query", kind)
        assert args["include_available"] == "Boolean"
        assert args["kinds"] == "[String!]"
    assert "include_available" not in arguments(base_schema, "Query", "IpamPrefix")


def test_root_fields_for_branches_and_server(schema: graphql.GraphQLSchema) -> None:
    query = fields(schema, "Query")
    assert query["Branch"] == "[Branch!]!"
    assert query["InfrahubInfo"] == "Info!"
    assert query["InfrahubStatus"] == "Status!"
    assert query["DiffTree"] == "DiffTree"
    assert query["AccountProfile"] == "CoreGenericAccount"
    branch = fields(schema, "Branch")
    assert branch["graph_version"] == "Int"
    assert branch["status"] == "BranchStatus!"
    status = named(schema, "BranchStatus")
    assert isinstance(status, graphql.GraphQLEnumType)
    assert {"OPEN", "NEED_REBASE", "MERGED"} <= set(status.values)
    assert {"nodes", "num_added", "num_conflicts"} <= set(fields(schema, "DiffTree"))


# -- object types -------------------------------------------------------------------------------
def test_generic_implementers_implement_its_interface(schema: graphql.GraphQLSchema) -> None:
    assert interfaces(schema, "TestingDog") == {"TestingAnimal", "CoreNode"}
    assert interfaces(schema, "TestingPerson") == {"CoreNode"}
    assert interfaces(schema, "CoreAccount") == {"LineageOwner", "LineageSource", "CoreGenericAccount", "CoreNode"}
    # Groups are not nodes that can be members of groups.
    assert interfaces(schema, "CoreStandardGroup") == {"CoreGroup"}
    assert interfaces(schema, "ProfileTestingDog") == {"LineageSource", "CoreProfile", "CoreNode"}
    animal = named(schema, "TestingAnimal")
    assert isinstance(animal, graphql.GraphQLInterfaceType)
    assert {t.name for t in schema.get_possible_types(animal)} == {"TestingDog"}


def test_node_fields(schema: graphql.GraphQLSchema) -> None:
    dog = fields(schema, "TestingDog")
    assert {
        "id": "String!", "hfid": "[String!]", "display_label": "String", "_updated_at": "DateTime",
        "name": "TextAttribute", "weight": "NumberAttribute", "breed": "TextAttribute",
        "color": "TextAttribute", "owner": "NestedEdgedTestingPerson!",
        "member_of_groups": "NestedPaginatedCoreGroup!",
    }.items() <= dog.items()
    assert fields(schema, "TestingAnimal")["id"] == "String"
    tags = arguments(schema, "TestingPerson", "tags")
    assert fields(schema, "TestingPerson")["tags"] == "NestedPaginatedBuiltinTag!"
    assert {"offset": "Int", "ids": "[ID]", "isnull": "Boolean", "name__value": "String"}.items() <= tags.items()
    assert "name__isnull" not in tags


def test_connection_types(schema: graphql.GraphQLSchema) -> None:
    assert fields(schema, "PaginatedTestingPerson") == {
        "count": "Int!", "edges": "[EdgedTestingPerson!]!", "permissions": "PaginatedObjectPermission!",
    }
    assert fields(schema, "EdgedTestingPerson") == {"node": "TestingPerson", "node_metadata": "NodeMetadata"}
    assert {"node": "BuiltinTag", "properties": "RelationshipProperty"}.items() <= fields(
        schema, "NestedEdgedBuiltinTag").items()
    assert fields(schema, "NestedPaginatedTestingAnimal") == {
        "count": "Int!", "edges": "[NestedEdgedTestingAnimal!]",
    }
    assert {
        "is_protected": "Boolean", "updated_at": "DateTime", "source": "LineageSource", "owner": "LineageOwner",
    }.items() <= fields(schema, "RelationshipProperty").items()


def test_attribute_types(schema: graphql.GraphQLSchema) -> None:
    dropdown = fields(schema, "Dropdown")
    assert {
        "value": "String", "label": "String", "color": "String", "description": "String", "id": "String",
        "is_default": "Boolean", "is_inherited": "Boolean", "is_protected": "Boolean", "is_visible": "Boolean",
        "is_from_profile": "Boolean", "updated_at": "DateTime", "source": "LineageSource",
        "owner": "LineageOwner", "permissions": "PermissionType", "updated_by": "CoreGenericAccount",
    }.items() <= dropdown.items()
    assert fields(schema, "CoreAccount")["status"] == "Dropdown"
    assert fields(schema, "BuiltinIPPrefix")["prefix"] == "IPNetwork"
    assert {"prefixlen": "Int", "num_addresses": "Int", "broadcast_address": "String"}.items() <= fields(
        schema, "IPNetwork").items()
    assert {"ip": "String", "netmask": "String"}.items() <= fields(schema, "IPHost").items()
    assert fields(schema, "JSONAttribute")["value"] == "GenericScalar"
    assert fields(schema, "CheckboxAttribute")["value"] == "Boolean"


def test_hierarchy_fields(base_schema: graphql.GraphQLSchema) -> None:
    prefix = fields(base_schema, "IpamPrefix")
    assert prefix["parent"] == "NestedEdgedBuiltinIPPrefix!"
    for name in ("children", "ancestors", "descendants"):
        assert prefix[name] == "NestedPaginatedBuiltinIPPrefix!"
        assert arguments(base_schema, "IpamPrefix", name)["prefix__value"] == "String"
    assert arguments(base_schema, "IpamPrefix", "ip_addresses")["include_descendants"] == "Boolean"
    group = fields(base_schema, "CoreGroup")
    assert group["parent"] == "NestedEdgedCoreGroup!"
    assert group["descendants"] == "NestedPaginatedCoreGroup!"


# -- mutations ----------------------------------------------------------------------------------
def test_mutation_fields(schema: graphql.GraphQLSchema) -> None:
    mutation = fields(schema, "Mutation")
    for action in ("Create", "Update", "Upsert", "Delete"):
        assert mutation[f"TestingDog{action}"] == f"TestingDog{action}"
    assert arguments(schema, "Mutation", "TestingDogCreate") == {
        "data": "TestingDogCreateInput!", "context": "ContextInput",
    }
    assert arguments(schema, "Mutation", "TestingDogDelete")["data"] == "DeleteInput!"
    assert fields(schema, "TestingDogUpsert") == {"ok": "Boolean", "object": "TestingDog"}
    assert fields(schema, "TestingDogDelete") == {"ok": "Boolean"}
    # A generic can be updated through its interface, not created.
    assert mutation["TestingAnimalUpdate"] == "TestingAnimalUpdate"
    assert "TestingAnimalCreate" not in mutation
    assert {"ProfileTestingDogCreate", "RelationshipAdd", "RelationshipRemove", "BranchCreate", "BranchMerge",
            "BranchRebase", "BranchValidate", "BranchDelete", "DiffUpdate"} <= set(mutation)
    assert arguments(schema, "Mutation", "RelationshipAdd")["data"] == "RelationshipNodesInput!"


def test_mutation_inputs(schema: graphql.GraphQLSchema) -> None:
    assert fields(schema, "TestingDogCreateInput") == {
        "id": "String", "breed": "TextAttributeCreate", "color": "TextAttributeCreate",
        "name": "TextAttributeCreate", "weight": "NumberAttributeCreate", "owner": "RelatedNodeInput",
        "profiles": "[RelatedNodeInput]", "member_of_groups": "[RelatedNodeInput]",
        "subscriber_of_groups": "[RelatedNodeInput]",
    }
    update = fields(schema, "TestingDogUpdateInput")
    assert update["hfid"] == "[String]"
    assert update["name"] == "TextAttributeUpdate"
    assert update["owner"] == "RelatedNodeInput"
    # An upsert may create: what a new dog needs is required; a default makes a value optional.
    upsert = fields(schema, "TestingDogUpsertInput")
    assert upsert["breed"] == "TextAttributeUpdate!"
    assert upsert["name"] == "TextAttributeUpdate!"
    assert upsert["owner"] == "RelatedNodeInput!"
    assert upsert["weight"] == "NumberAttributeUpdate"
    assert upsert["color"] == "TextAttributeUpdate"
    assert fields(schema, "TestingPersonUpsertInput")["tags"] == "[RelatedNodeInput]"


def test_attribute_and_relationship_inputs(schema: graphql.GraphQLSchema) -> None:
    assert fields(schema, "TextAttributeCreate") == {
        "is_visible": "Boolean", "is_protected": "Boolean", "source": "String", "owner": "String", "value": "String",
    }
    assert fields(schema, "TextAttributeUpdate")["is_default"] == "Boolean"
    assert fields(schema, "NumberAttributeCreate")["from_pool"] == "GenericPoolInput"
    assert {
        "id": "String", "hfid": "[String]", "kind": "String", "from_pool": "GenericPoolInput",
        "_relation__is_protected": "Boolean", "_relation__source": "String", "_relation__owner": "String",
    }.items() <= fields(schema, "RelatedNodeInput").items()
    assert fields(schema, "RelationshipNodesInput") == {"id": "String", "name": "String", "nodes": "[RelatedNodeInput]"}


def test_ip_peers_may_come_from_pools(base_schema: graphql.GraphQLSchema) -> None:
    namespace = fields(base_schema, "IpamNamespaceCreateInput")
    assert namespace["ip_prefixes"] == "[RelatedIPPrefixNodeInput]"
    assert namespace["ip_addresses"] == "[RelatedIPAddressNodeInput]"
    # The hierarchy of prefixes is computed, so it cannot be written.
    assert "parent" not in fields(base_schema, "IpamPrefixCreateInput")
    assert fields(base_schema, "RelatedIPPrefixNodeInput")["from_pool"] == "IPPrefixPoolInput"


def test_templates(core: BranchSchema, schemas: GraphQLSchemaCache) -> None:
    templated = load(core, [("template.yml", {
        "version": "1.0",
        "nodes": [{
            "name": "Widget", "namespace": "Testing", "generate_template": True,
            "attributes": [{"name": "name", "kind": "Text", "unique": True}],
        }],
    })]).new_schema
    schema = build_graphql_schema(templated, schemas)
    assert interfaces(schema, "TemplateTestingWidget") == {"LineageSource", "CoreNode", "CoreObjectTemplate"}
    assert fields(schema, "TestingWidget")["object_template"] == "NestedEdgedTemplateTestingWidget!"
    assert fields(schema, "Query")["TemplateTestingWidget"] == "PaginatedTemplateTestingWidget!"
    assert "TemplateTestingWidgetCreate" in fields(schema, "Mutation")
