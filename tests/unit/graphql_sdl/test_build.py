"""`build_sdl` and `build_graphql_schema`: the schema builds, is deterministic, is cached by hash."""

from __future__ import annotations

import graphql
import pytest

from strata_graphql.sdl import (
    GraphQLNameClash,
    GraphQLSchemaCache,
    MissingCoreKinds,
    build_graphql_schema,
    build_sdl,
    static_sdl,
)
from strata_schema import BranchSchema, load
from strata_schema.resolve import ResolvedSchema

from .conftest import BASE_DIR, BASE_FILES, read_sources


def test_core_schema_builds(core: BranchSchema) -> None:
    schema = build_graphql_schema(core)
    graphql.assert_valid_schema(schema)
    assert schema.query_type is not None
    assert "BuiltinTag" in schema.query_type.fields
    assert "BuiltinTagCreate" in schema.type_map


def test_base_schemas_build(base: BranchSchema, schemas: GraphQLSchemaCache) -> None:
    schema = build_graphql_schema(base, schemas)
    graphql.assert_valid_schema(schema)
    assert build_graphql_schema(base, schemas) is schema
    assert schema.query_type is not None
    assert {"DcimDevice", "IpamPrefix", "LocationGeneric", "OrganizationGeneric"} <= set(schema.query_type.fields)


def test_sdl_starts_with_the_static_part_and_parses(core: BranchSchema) -> None:
    sdl = build_sdl(core)
    assert sdl.startswith(static_sdl().rstrip())
    assert "extend type Query {" in sdl
    graphql.parse(sdl)


def test_same_schema_gives_same_text(core: BranchSchema, base: BranchSchema) -> None:
    assert build_sdl(core) == build_sdl(core)
    assert build_sdl(BranchSchema.initial()) == build_sdl(core)
    reloaded = load(BranchSchema.initial(), read_sources(*(BASE_DIR / n for n in BASE_FILES))).new_schema
    assert reloaded is not base
    assert build_sdl(reloaded) == build_sdl(base)


def test_different_schemas_give_different_text(core: BranchSchema, recorded: BranchSchema) -> None:
    assert build_sdl(core) != build_sdl(recorded)
    assert "TestingPerson" not in build_sdl(core)


class CountingBuilder:
    """Stands in for the real build, which takes seconds; records which schemas were built."""

    def __init__(self) -> None:
        self.built: list[str] = []

    def __call__(self, schema: BranchSchema) -> graphql.GraphQLSchema:
        self.built.append(schema.schema_hash)
        return graphql.GraphQLSchema()


def test_cache_answers_the_same_schema_for_the_same_hash(core: BranchSchema) -> None:
    builder = CountingBuilder()
    cache = GraphQLSchemaCache(maxsize=2, build=builder)
    first = build_graphql_schema(core, cache)
    assert build_graphql_schema(BranchSchema.initial(), cache) is first
    assert builder.built == [core.schema_hash]
    assert core.schema_hash in cache
    assert len(cache) == 1


def test_cache_forgets_the_least_recently_used(core: BranchSchema, recorded: BranchSchema, base: BranchSchema) -> None:
    builder = CountingBuilder()
    cache = GraphQLSchemaCache(maxsize=2, build=builder)
    first = cache.get(core)
    cache.get(recorded)
    cache.get(core)  # now the most recently used
    cache.get(base)
    assert recorded.schema_hash not in cache
    assert core.schema_hash in cache and base.schema_hash in cache
    assert cache.get(core) is first
    assert cache.get(recorded) is not None
    assert builder.built == [core.schema_hash, recorded.schema_hash, base.schema_hash, recorded.schema_hash]
    cache.clear()
    assert len(cache) == 0


def test_cache_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        GraphQLSchemaCache(maxsize=0)


def test_a_kind_named_like_a_builtin_type_is_refused(core: BranchSchema) -> None:
    # `TaskNodes` is the type of the edges of `InfrahubTask`.
    clash = load(core, [("clash.yml", {
        "version": "1.0",
        "nodes": [{"name": "Nodes", "namespace": "Task", "attributes": [{"name": "name", "kind": "Text"}]}],
    })]).new_schema
    with pytest.raises(GraphQLNameClash) as caught:
        build_sdl(clash)
    assert caught.value.code == "graphql.name_clash"
    assert "TaskNodes" in caught.value.details["names"]


def test_a_schema_without_the_core_generics_is_refused() -> None:
    empty = BranchSchema({}, ResolvedSchema(nodes={}, generics={}, profiles={}, templates={}))
    with pytest.raises(MissingCoreKinds) as caught:
        build_sdl(empty)
    assert "LineageSource" in caught.value.details["kinds"]


def test_descriptions_are_escaped(core: BranchSchema) -> None:
    text = 'Say "hi" \\ then """ a\nnew line, é'
    described = load(core, [("described.yml", {
        "version": "1.0",
        "nodes": [{
            "name": "Note", "namespace": "Testing", "description": text,
            "attributes": [{"name": "body", "kind": "TextArea", "description": text}],
        }],
    })]).new_schema
    document = graphql.parse(build_sdl(described))
    note = next(
        d for d in document.definitions
        if isinstance(d, graphql.ObjectTypeDefinitionNode) and d.name.value == "TestingNote"
    )
    assert note.description is not None and note.description.value == text
    body = next(f for f in note.fields or () if f.name.value == "body")
    assert body.description is not None and body.description.value == text
