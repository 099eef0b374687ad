"""Branch schemas to generate GraphQL from: core, the four base schemas, and the schema the SDK recordings loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from strata_graphql.sdl import GraphQLSchemaCache
from strata_schema import BranchSchema, load

BASE_DIR: Final = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "schemas" / "schema-library-base"
BASE_FILES: Final = ("dcim.yml", "ipam.yml", "location.yml", "organization.yml")
RECORDED_SCHEMA: Final = Path(__file__).with_name("recorded_schema.yml")


def read_sources(*paths: Path) -> list[tuple[str, Any]]:
    return [(path.name, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in paths]


@pytest.fixture(scope="session")
def core() -> BranchSchema:
    return BranchSchema.initial()


@pytest.fixture(scope="session")
def base(core: BranchSchema) -> BranchSchema:
    return load(core, read_sources(*(BASE_DIR / name for name in BASE_FILES))).new_schema


@pytest.fixture(scope="session")
def recorded(core: BranchSchema) -> BranchSchema:
    """Core plus the Testing kinds that the SDK recordings loaded."""
    return load(core, read_sources(RECORDED_SCHEMA)).new_schema


@pytest.fixture(scope="session")
def base_and_recorded(base: BranchSchema) -> BranchSchema:
    return load(base, read_sources(RECORDED_SCHEMA)).new_schema


@pytest.fixture(scope="session")
def schemas() -> GraphQLSchemaCache:
    """One cache for the session: building a GraphQL schema takes a second or two."""
    return GraphQLSchemaCache(maxsize=8)
