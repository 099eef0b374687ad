"""Errors and warnings produced while reading, resolving and changing a schema."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

import msgspec

__all__ = [
    "ERROR_CODES",
    "SchemaError",
    "SchemaValidationError",
    "SchemaWarning",
    "WarningKind",
    "format_path",
]

# Every reason a schema can be refused, as a stable code with a short meaning.
ERROR_CODES: Final[dict[str, str]] = {
    "schema.syntax": "the document is not valid YAML or JSON",
    "schema.invalid_type": "a value has the wrong type",
    "schema.invalid_value": "a value is outside the allowed set or shape",
    "schema.missing_field": "a required field is absent",
    "schema.unknown_field": "a field is not part of the schema language",
    "schema.unsupported_version": "the document's version is not supported",
    "schema.restricted_namespace": "the namespace belongs to the system",
    "schema.duplicate": "a name is declared twice",
    "schema.reserved_name": "a name is reserved",
    "schema.unknown_kind": "a referenced kind does not exist",
    "schema.not_a_generic": "inherit_from names a kind that is not a generic",
    "schema.invalid_path": "a path does not lead to an attribute or relationship",
    "schema.inheritance": "a node breaks the rules of a generic it inherits from",
    "schema.hierarchy": "hierarchy, parent or children are inconsistent",
    "schema.identifier": "relationship identifiers or directions are inconsistent",
    "schema.cardinality": "cardinality and counts disagree",
    "schema.parent_component": "parent and component relationships are inconsistent",
    "schema.default_value": "a default value does not fit its attribute",
    "schema.update_not_supported": "this property cannot change once a kind exists",
    "schema.data_conflict": "existing objects do not satisfy the new schema",
}


def format_path(loc: Sequence[str | int]) -> str:
    """Render a location as `nodes[2].attributes[0].kind`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class SchemaError(msgspec.Struct, frozen=True, kw_only=True):
    """One problem found in a schema, located as precisely as the engine can."""

    code: str
    reason: str
    file: str | None = None
    schema_index: int | None = None
    kind: str | None = None
    loc: tuple[str | int, ...] = ()
    input: Any = None

    @property
    def path(self) -> str:
        return format_path(self.loc)

    def api_detail(self) -> dict[str, Any]:
        """The entry of a 422 `detail` list that `infrahubctl` knows how to render."""
        loc: list[str | int] = ["body", "schemas", self.schema_index or 0, *self.loc]
        return {"loc": loc, "msg": self.reason, "type": self.code, "input": self.input}

    def __str__(self) -> str:
        where = [part for part in (self.file, self.kind, self.path) if part]
        return f"{' '.join(where)}: {self.reason}" if where else self.reason


class WarningKind(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    field: str | None = None


class SchemaWarning(msgspec.Struct, frozen=True, kw_only=True):
    """A load that succeeded with a remark; the shape the client parses."""

    type: Literal["deprecation"] = "deprecation"
    kinds: tuple[WarningKind, ...] = ()
    message: str


class SchemaValidationError(Exception):
    """The schema was refused; `errors` holds every problem found, not only the first."""

    code = "schema.invalid"

    def __init__(self, errors: Sequence[SchemaError]) -> None:
        self.errors: tuple[SchemaError, ...] = tuple(errors)
        lines = "; ".join(str(err) for err in self.errors[:5])
        more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"{len(self.errors)} schema error(s): {lines}{more}")
