"""Fixtures for the schema engine: the built-in schema and the four shared base schemas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from strata_schema import BranchSchema, LoadOutcome, load

BASE_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "schemas" / "schema-library-base"
BASE_FILES = ("dcim.yml", "ipam.yml", "location.yml", "organization.yml")


@pytest.fixture(scope="session")
def core() -> BranchSchema:
    return BranchSchema.initial()


@pytest.fixture(scope="session")
def base_sources() -> list[tuple[str, Any]]:
    return [(name, yaml.safe_load((BASE_DIR / name).read_text())) for name in BASE_FILES]


@pytest.fixture(scope="session")
def base(core: BranchSchema, base_sources: list[tuple[str, Any]]) -> LoadOutcome:
    return load(core, base_sources)


def doc(*, nodes: list[dict[str, Any]] | None = None, generics: list[dict[str, Any]] | None = None,
        extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    """A schema document with the given sections."""
    out: dict[str, Any] = {"version": "1.0"}
    if nodes is not None:
        out["nodes"] = nodes
    if generics is not None:
        out["generics"] = generics
    if extensions is not None:
        out["extensions"] = extensions
    return out


def node(name: str, namespace: str = "Test", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "namespace": namespace}
    out.setdefault("attributes", [{"name": "name", "kind": "Text", "unique": True}])
    out.update(extra)
    return out


@pytest.fixture
def load_one(core: BranchSchema) -> Callable[..., LoadOutcome]:
    def run(*documents: dict[str, Any], on: BranchSchema | None = None) -> LoadOutcome:
        return load(on or core, [(f"file{i}.yml", d) for i, d in enumerate(documents)])

    return run
