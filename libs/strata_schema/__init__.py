"""Strata's schema engine: parse, resolve, validate, diff and check Infrahub schema files.

Pure: no I/O besides reading the built-in schema shipped with the package.
"""

from __future__ import annotations

from .branch import BranchSchema, LoadOutcome, SchemaSource, load
from .core import core_definitions
from .data_checks import DataProbe, DataRefusal, check_data
from .diff import SchemaDiff, diff_kinds
from .errors import ERROR_CODES, SchemaError, SchemaValidationError, SchemaWarning
from .migrations import Constraint, Migration, MigrationPlan, plan_migrations
from .model import (
    AttributeSchema,
    DropdownChoice,
    GenericSchema,
    KindSchema,
    NodeSchema,
    ProfileSchema,
    RelationshipSchema,
    SchemaFile,
    TemplateSchema,
)
from .parser import parse_schema, parse_yaml, read_schema_documents
from .values import value_error

__all__ = [
    "ERROR_CODES",
    "AttributeSchema",
    "BranchSchema",
    "Constraint",
    "DataProbe",
    "DataRefusal",
    "DropdownChoice",
    "GenericSchema",
    "KindSchema",
    "LoadOutcome",
    "Migration",
    "MigrationPlan",
    "NodeSchema",
    "ProfileSchema",
    "RelationshipSchema",
    "SchemaDiff",
    "SchemaError",
    "SchemaFile",
    "SchemaSource",
    "SchemaValidationError",
    "SchemaWarning",
    "TemplateSchema",
    "check_data",
    "core_definitions",
    "diff_kinds",
    "diff_schemas",
    "load",
    "parse_schema",
    "parse_yaml",
    "plan_migrations",
    "read_schema_documents",
    "value_error",
]


def diff_schemas(old: BranchSchema, new: BranchSchema) -> SchemaDiff:
    """Kinds added, changed (with their fields) and removed between two branch schemas."""
    return diff_kinds(old.main, new.main)
