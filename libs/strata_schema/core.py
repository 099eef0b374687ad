"""The built-in schema every branch starts with (kept as data in `core_schema.yml`)."""

from __future__ import annotations

from importlib import resources

from .errors import SchemaValidationError
from .merge import Definitions, merge_files
from .parser import parse_yaml, read_schema_documents

__all__ = ["CORE_SCHEMA_FILE", "core_definitions"]

CORE_SCHEMA_FILE = "core_schema.yml"


def core_definitions() -> Definitions:
    """Parse the built-in schema into definitions, with their stable ids."""
    text = resources.files(__package__).joinpath(CORE_SCHEMA_FILE).read_text(encoding="utf-8")
    documents = parse_yaml(CORE_SCHEMA_FILE, text)
    parsed = read_schema_documents([(CORE_SCHEMA_FILE, doc) for doc in documents], allow_restricted=True)
    if parsed.errors:
        raise SchemaValidationError(parsed.errors)
    merged = merge_files({}, parsed.files)
    if merged.errors:
        raise SchemaValidationError(merged.errors)
    return merged.definitions
