"""`BranchSchema`: the immutable, fully resolved schema of one branch, and how loading changes it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any, Final

import msgspec

from ._problems import locate
from .api import content_hash, schema_to_api
from .core import core_definitions
from .diff import SchemaDiff, diff_kinds
from .errors import SchemaError, SchemaValidationError, SchemaWarning
from .merge import Definitions, MergeResult, merge_files
from .migrations import MigrationPlan, plan_migrations
from .model import GenericSchema, KindSchema, MainSchema, NodeSchema, ProfileSchema, SchemaFile, TemplateSchema
from .parser import read_schema_documents
from .resolve import ResolvedSchema, resolve
from .validate import validate_resolved

__all__ = ["BranchSchema", "LoadOutcome", "SchemaSource", "load"]

SchemaSource = SchemaFile | tuple[str, Any]
"""A parsed file, or `(file name, decoded YAML/JSON document)`."""

_FORMAT_VERSION: Final = 1


class LoadOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """The result of loading schema files on a branch; `new_schema` is `current` if nothing changed."""

    new_schema: BranchSchema
    diff: SchemaDiff
    warnings: tuple[SchemaWarning, ...]
    plan: MigrationPlan

    @property
    def changed(self) -> bool:
        return not self.diff.empty


class BranchSchema:
    """Core plus user kinds of a branch, resolved. Build it with `initial()`, `load()` or `from_dict()`."""

    def __init__(self, definitions: Mapping[str, MainSchema], resolved: ResolvedSchema) -> None:
        self._definitions = dict(definitions)
        self._resolved = resolved

    # -- construction -------------------------------------------------------------------
    @classmethod
    def initial(cls) -> BranchSchema:
        """The schema of a new deployment: the built-in kinds only."""
        return cls.from_definitions(core_definitions())

    @classmethod
    def from_definitions(cls, definitions: Mapping[str, MainSchema]) -> BranchSchema:
        resolved, problems = resolve(definitions)
        problems += validate_resolved(resolved)
        if problems:
            raise SchemaValidationError([locate(p, {}, {}) for p in problems])
        return cls(definitions, resolved)

    def load(self, sources: Sequence[SchemaSource]) -> LoadOutcome:
        return load(self, sources)

    # -- lookup ---------------------------------------------------------------------------
    @property
    def definitions(self) -> Mapping[str, MainSchema]:
        """What was declared (core and user), merged, before resolution."""
        return self._definitions

    @property
    def resolved(self) -> ResolvedSchema:
        return self._resolved

    @property
    def nodes(self) -> Mapping[str, NodeSchema]:
        return self._resolved.nodes

    @property
    def generics(self) -> Mapping[str, GenericSchema]:
        return self._resolved.generics

    @property
    def profiles(self) -> Mapping[str, ProfileSchema]:
        return self._resolved.profiles

    @property
    def templates(self) -> Mapping[str, TemplateSchema]:
        return self._resolved.templates

    @cached_property
    def _all(self) -> dict[str, KindSchema]:
        r = self._resolved
        return {**r.generics, **r.nodes, **r.profiles, **r.templates}

    def get(self, kind: str) -> KindSchema | None:
        """The resolved schema of any kind: node, generic, profile or template."""
        return self._all.get(kind)

    def __contains__(self, kind: object) -> bool:
        return kind in self._all

    @property
    def kinds(self) -> list[str]:
        return sorted(self._all)

    @cached_property
    def main(self) -> dict[str, NodeSchema | GenericSchema]:
        """Nodes and generics, the kinds a diff compares."""
        return {**self._resolved.generics, **self._resolved.nodes}

    # -- identity and shapes ----------------------------------------------------------------
    @cached_property
    def schema_hash(self) -> str:
        """Content hash of the resolved schema; equal schemas have equal hashes."""
        return content_hash(self._resolved)

    def to_api_dict(self, namespaces: Iterable[str] | None = None) -> dict[str, Any]:
        """The `GET /api/schema` response body."""
        groups: dict[str, Mapping[str, KindSchema]] = {
            "nodes": self.nodes, "generics": self.generics, "profiles": self.profiles, "templates": self.templates,
        }
        return schema_to_api(self.schema_hash, groups, namespaces)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready value for storing in an event; `from_dict` rebuilds the same schema."""
        return {
            "format": _FORMAT_VERSION,
            "hash": self.schema_hash,
            "nodes": [msgspec.to_builtins(d) for d in self._definitions.values() if isinstance(d, NodeSchema)],
            "generics": [msgspec.to_builtins(d) for d in self._definitions.values() if isinstance(d, GenericSchema)],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BranchSchema:
        definitions: Definitions = {}
        for raw in data.get("generics", []):
            generic = msgspec.convert(raw, GenericSchema)
            definitions[generic.kind] = generic
        for raw in data.get("nodes", []):
            node = msgspec.convert(raw, NodeSchema)
            definitions[node.kind] = node
        return cls.from_definitions(definitions)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BranchSchema) and other.schema_hash == self.schema_hash

    def __hash__(self) -> int:
        return hash(self.schema_hash)

    def __repr__(self) -> str:
        return f"BranchSchema(hash={self.schema_hash!r}, kinds={len(self._all)})"


def _parse(sources: Sequence[SchemaSource]) -> tuple[list[SchemaFile], list[SchemaError], list[SchemaWarning]]:
    raw = [(i, s) for i, s in enumerate(sources) if not isinstance(s, SchemaFile)]
    files: dict[int, SchemaFile] = {i: s for i, s in enumerate(sources) if isinstance(s, SchemaFile)}
    errors: list[SchemaError] = []
    warnings: list[SchemaWarning] = []
    if raw:
        parsed = read_schema_documents([s for _, s in raw])
        errors += [msgspec.structs.replace(e, schema_index=raw[e.schema_index or 0][0]) for e in parsed.errors]
        warnings += parsed.warnings
        for schema in parsed.files:
            position = raw[schema.index][0]
            files[position] = msgspec.structs.replace(schema, index=position)
    return [files[i] for i in sorted(files)], errors, warnings


def load(current: BranchSchema, sources: Sequence[SchemaSource]) -> LoadOutcome:
    """Load schema files on top of `current`. Raises `SchemaValidationError` listing every problem."""
    files, errors, warnings = _parse(sources)
    if errors:
        raise SchemaValidationError(errors)
    merged: MergeResult = merge_files(current.definitions, files)
    if merged.errors:
        raise SchemaValidationError(merged.errors)
    return _outcome(current, merged.definitions, tuple(warnings), merged)


def with_definition(current: BranchSchema, definition: MainSchema) -> LoadOutcome:
    """`current` with one kind's definition replaced whole (an edit a file load cannot express,
    such as removing a dropdown choice: a load merges choices). Raises `SchemaValidationError`."""
    definitions = dict(current.definitions)
    definitions[definition.kind] = definition
    return _outcome(current, definitions, (), None)


def _outcome(
    current: BranchSchema, definitions: Mapping[str, MainSchema], warnings: tuple[SchemaWarning, ...],
    merged: MergeResult | None,
) -> LoadOutcome:  # fmt: skip
    """The load of `definitions` over `current`; errors are located in the files of `merged`."""
    resolved, problems = resolve(definitions)
    problems += validate_resolved(resolved)
    if problems:
        origins = (merged.kind_origins, merged.element_origins) if merged is not None else ({}, {})
        raise SchemaValidationError([locate(p, *origins) for p in problems])
    candidate = BranchSchema(definitions, resolved)
    if candidate.schema_hash == current.schema_hash:
        return LoadOutcome(new_schema=current, diff=SchemaDiff(), warnings=warnings, plan=MigrationPlan())
    diff = diff_kinds(current.main, candidate.main)
    plan = plan_migrations(diff, current.main, candidate.main)
    if plan.errors:
        raise SchemaValidationError([_with_origin(e, merged) if merged is not None else e for e in plan.errors])
    return LoadOutcome(new_schema=candidate, diff=diff, warnings=warnings, plan=plan)


def _with_origin(error: SchemaError, merged: MergeResult) -> SchemaError:
    origin = merged.kind_origins.get(error.kind or "")
    if origin is None:
        return error
    loc = error.loc
    if len(loc) == 3 and isinstance(loc[1], str):
        element = merged.element_origins.get((error.kind or "", str(loc[0]), loc[1]))
        if element is not None:
            return msgspec.structs.replace(error, file=element.file, schema_index=element.schema_index,
                                           loc=(*element.loc, loc[2]))
    return msgspec.structs.replace(error, file=origin.file, schema_index=origin.schema_index,
                                   loc=(*origin.loc, *loc))
