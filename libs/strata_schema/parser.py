"""Read schema documents (YAML text or decoded JSON) into `SchemaFile` values.

Every problem is collected with its file, kind and field path; reading goes on after an error
so that one pass reports them all. Unknown fields are errors; fields that only the read API
returns (`inherited`, `used_by`, `hash`...) are accepted with a warning and dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import msgspec
import yaml

from ._fields import field_infos
from .constants import RESTRICTED_NAMESPACES, SUPPORTED_VERSIONS
from .errors import SchemaError, SchemaValidationError, SchemaWarning, WarningKind, format_path
from .model import (
    AttributeParameters,
    AttributeSchema,
    ComputedAttribute,
    DropdownChoice,
    GenericSchema,
    NodeExtension,
    NodeSchema,
    RelationshipSchema,
    SchemaFile,
)

__all__ = ["ParseResult", "parse_schema", "parse_yaml", "read_schema_documents"]

Loc = tuple[str | int, ...]

# Fields the read API returns but a writer may not set: accepted with a warning, then dropped.
_READ_ONLY: Final[dict[type, frozenset[str]]] = {
    AttributeSchema: frozenset({"inherited"}),
    RelationshipSchema: frozenset({"hierarchical", "inherited"}),
    NodeSchema: frozenset({"hash", "hierarchy", "kind"}),
    GenericSchema: frozenset({"hash", "kind", "used_by"}),
    DropdownChoice: frozenset({"id", "state"}),
    ComputedAttribute: frozenset({"id", "state"}),
    AttributeParameters: frozenset({"id", "state"}),
    NodeExtension: frozenset({"id", "state"}),
}
# Fields the model carries for the read API but a writer may not send at all.
_NOT_WRITABLE: Final[dict[type, frozenset[str]]] = {GenericSchema: frozenset({"generate_template"})}
_ROOT_FIELDS: Final = frozenset({"version", "nodes", "generics", "extensions"})
_ROOT_READ_ONLY: Final = frozenset({"main", "namespaces", "profiles", "templates"})

# Which `parameters` each attribute kind takes.
_PARAMETERS_BY_KIND: Final[dict[str, frozenset[str]]] = {
    "Text": frozenset({"regex", "min_length", "max_length"}),
    "TextArea": frozenset({"regex", "min_length", "max_length"}),
    "Number": frozenset({"min_value", "max_value", "excluded_values"}),
    "List": frozenset({"regex"}),
    "NumberPool": frozenset({"start_range", "end_range", "number_pool_id"}),
}


class ParseResult(msgspec.Struct, frozen=True, kw_only=True):
    files: tuple[SchemaFile, ...]
    errors: tuple[SchemaError, ...]
    warnings: tuple[SchemaWarning, ...]


def parse_yaml(name: str, text: str) -> list[Any]:
    """Decode the YAML documents of one file; raises `SchemaValidationError` on bad syntax."""
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there
        return [doc for doc in yaml.load_all(text, Loader=loader) if doc is not None]
    except yaml.YAMLError as exc:
        raise SchemaValidationError(
            [SchemaError(code="schema.syntax", reason=str(exc).replace("\n", " "), file=name)]
        ) from exc


def read_schema_documents(
    sources: Sequence[tuple[str, Any]], *, allow_restricted: bool = False
) -> ParseResult:
    """Parse `(file name, decoded document)` pairs; the position in `sources` is the index."""
    files: list[SchemaFile] = []
    errors: list[SchemaError] = []
    warnings: list[SchemaWarning] = []
    for index, (name, document) in enumerate(sources):
        reader = _Reader(name, index, allow_restricted)
        parsed = reader.root(document)
        errors.extend(reader.errors)
        warnings.extend(reader.warnings)
        if parsed is not None:
            files.append(parsed)
    return ParseResult(files=tuple(files), errors=tuple(errors), warnings=tuple(warnings))


def parse_schema(name: str, document: Any, *, index: int = 0) -> SchemaFile:
    """Parse one decoded document or raise `SchemaValidationError` with every problem."""
    reader = _Reader(name, index, allow_restricted=False)
    parsed = reader.root(document)
    if reader.errors or parsed is None:
        raise SchemaValidationError(reader.errors)
    return parsed


class _Reader:
    def __init__(self, name: str, index: int, allow_restricted: bool) -> None:
        self.name = name
        self.index = index
        self.allow_restricted = allow_restricted
        self.errors: list[SchemaError] = []
        self.warnings: list[SchemaWarning] = []

    # -- reporting -----------------------------------------------------------------------
    def error(self, code: str, reason: str, loc: Loc, kind: str | None, value: Any = None) -> None:
        self.errors.append(
            SchemaError(
                code=code, reason=reason, file=self.name, schema_index=self.index, kind=kind,
                loc=loc, input=value,
            )
        )

    def warn(self, key: str, loc: Loc, kind: str | None, element: str | None) -> None:
        self.warnings.append(
            SchemaWarning(
                kinds=(WarningKind(kind=kind, field=element),) if kind else (),
                message=f"{format_path(loc)}: read-only field {key!r} is ignored ({self.name})",
            )
        )

    # -- generic reading -----------------------------------------------------------------
    def fields(
        self,
        data: Any,
        cls: type[msgspec.Struct],
        loc: Loc,
        kind: str | None,
        *,
        nested: frozenset[str] = frozenset(),
        allowed: frozenset[str] | None = None,
        element: str | None = None,
    ) -> dict[str, Any] | None:
        """Check the plain fields of `data` against `cls`; nested ones are left to the caller."""
        if not isinstance(data, Mapping):
            self.error("schema.invalid_type", "expected a mapping", loc, kind, data)
            return None
        infos = field_infos(cls)
        read_only = _READ_ONLY.get(cls, frozenset())
        names = allowed if allowed is not None else frozenset(infos) - read_only - _NOT_WRITABLE.get(cls, frozenset())
        values: dict[str, Any] = {}
        ok = True
        for key, value in data.items():
            if not isinstance(key, str):
                self.error("schema.invalid_type", "field names must be strings", loc, kind, key)
                ok = False
            elif key in read_only:
                self.warn(key, (*loc, key), kind, element)
            elif key not in names:
                self.error("schema.unknown_field", f"unknown field {key!r}", (*loc, key), kind, value)
                ok = False
            elif key not in nested:
                try:
                    values[key] = msgspec.convert(value, infos[key].type)
                except msgspec.ValidationError as exc:
                    self.error("schema.invalid_value", str(exc), (*loc, key), kind, value)
                    ok = False
        for key, info in infos.items():
            if info.required and key in names and key not in data:
                self.error("schema.missing_field", f"field {key!r} is required", (*loc, key), kind)
                ok = False
        return values if ok else None

    def items(self, data: Any, loc: Loc, kind: str | None) -> list[Any]:
        if data is None:
            return []
        if not isinstance(data, list):
            self.error("schema.invalid_type", "expected a list", loc, kind, data)
            return []
        return data

    # -- document structure --------------------------------------------------------------
    def root(self, data: Any) -> SchemaFile | None:
        if not isinstance(data, Mapping):
            self.error("schema.invalid_type", "a schema document must be a mapping", (), None, data)
            return None
        for key in data:
            if key in _ROOT_READ_ONLY:
                self.warn(str(key), (str(key),), None, None)
            elif key not in _ROOT_FIELDS:
                self.error("schema.unknown_field", f"unknown field {key!r}", (str(key),), None)
        version = data.get("version")
        if version is None:
            self.error("schema.missing_field", "field 'version' is required", ("version",), None)
        elif not isinstance(version, str) or version not in SUPPORTED_VERSIONS:
            self.error(
                "schema.unsupported_version",
                f"version must be one of {list(SUPPORTED_VERSIONS)}", ("version",), None, version,
            )
        nodes = [
            self.node(item, ("nodes", i))
            for i, item in enumerate(self.items(data.get("nodes"), ("nodes",), None))
        ]
        generics = [
            self.generic(item, ("generics", i))
            for i, item in enumerate(self.items(data.get("generics"), ("generics",), None))
        ]
        extensions = self.extensions(data.get("extensions"))
        if self.errors:
            return None
        return SchemaFile(
            name=self.name, index=self.index, version=str(version),
            nodes=tuple(n for n in nodes if n is not None),
            generics=tuple(g for g in generics if g is not None),
            extensions=extensions,
        )

    def extensions(self, data: Any) -> tuple[NodeExtension, ...]:
        if data is None:
            return ()
        if not isinstance(data, Mapping):
            self.error("schema.invalid_type", "expected a mapping", ("extensions",), None, data)
            return ()
        for key in data:
            if key != "nodes":
                self.error("schema.unknown_field", f"unknown field {key!r}", ("extensions", str(key)), None)
        out: list[NodeExtension] = []
        for i, item in enumerate(self.items(data.get("nodes"), ("extensions", "nodes"), None)):
            loc: Loc = ("extensions", "nodes", i)
            kind = item.get("kind") if isinstance(item, Mapping) else None
            kind = kind if isinstance(kind, str) else None
            values = self.fields(item, NodeExtension, loc, kind, nested=frozenset({"attributes", "relationships"}))
            attrs, rels = self.elements(item, loc, kind)
            if values is not None and attrs is not None and rels is not None:
                out.append(NodeExtension(**values, attributes=attrs, relationships=rels))
        return tuple(out)

    def _kind_of(self, data: Any) -> str | None:
        if isinstance(data, Mapping):
            namespace, name = data.get("namespace"), data.get("name")
            if isinstance(namespace, str) and isinstance(name, str):
                return namespace + name
        return None

    def _check_namespace(self, values: dict[str, Any], loc: Loc, kind: str | None) -> bool:
        namespace = values.get("namespace")
        if not self.allow_restricted and namespace in RESTRICTED_NAMESPACES:
            self.error(
                "schema.restricted_namespace",
                f"namespace {namespace!r} is reserved for the system", (*loc, "namespace"), kind, namespace,
            )
            return False
        return True

    def node(self, data: Any, loc: Loc) -> NodeSchema | None:
        kind = self._kind_of(data)
        values = self.fields(data, NodeSchema, loc, kind, nested=frozenset({"attributes", "relationships"}))
        attrs, rels = self.elements(data, loc, kind)
        if values is None or attrs is None or rels is None or not self._check_namespace(values, loc, kind):
            return None
        return NodeSchema(**values, attributes=attrs, relationships=rels)

    def generic(self, data: Any, loc: Loc) -> GenericSchema | None:
        kind = self._kind_of(data)
        values = self.fields(data, GenericSchema, loc, kind, nested=frozenset({"attributes", "relationships"}))
        attrs, rels = self.elements(data, loc, kind)
        if values is None or attrs is None or rels is None or not self._check_namespace(values, loc, kind):
            return None
        return GenericSchema(**values, attributes=attrs, relationships=rels)

    def elements(
        self, data: Any, loc: Loc, kind: str | None
    ) -> tuple[tuple[AttributeSchema, ...] | None, tuple[RelationshipSchema, ...] | None]:
        if not isinstance(data, Mapping):
            return None, None
        attrs = [
            self.attribute(item, (*loc, "attributes", i), kind)
            for i, item in enumerate(self.items(data.get("attributes"), (*loc, "attributes"), kind))
        ]
        rels = [
            self.relationship(item, (*loc, "relationships", i), kind)
            for i, item in enumerate(self.items(data.get("relationships"), (*loc, "relationships"), kind))
        ]
        ok_attrs = None if any(a is None for a in attrs) else tuple(a for a in attrs if a is not None)
        ok_rels = None if any(r is None for r in rels) else tuple(r for r in rels if r is not None)
        return ok_attrs, ok_rels

    def relationship(self, data: Any, loc: Loc, kind: str | None) -> RelationshipSchema | None:
        element = data.get("name") if isinstance(data, Mapping) else None
        values = self.fields(data, RelationshipSchema, loc, kind, element=element if isinstance(element, str) else None)
        return None if values is None else RelationshipSchema(**values)

    def attribute(self, data: Any, loc: Loc, kind: str | None) -> AttributeSchema | None:
        element = data.get("name") if isinstance(data, Mapping) else None
        element = element if isinstance(element, str) else None
        nested = frozenset({"choices", "parameters", "computed_attribute"})
        values = self.fields(data, AttributeSchema, loc, kind, nested=nested, element=element)
        if not isinstance(data, Mapping):
            return None
        ok = values is not None
        choices: list[DropdownChoice] | None = None
        if data.get("choices") is not None:
            choices = []
            for i, item in enumerate(self.items(data.get("choices"), (*loc, "choices"), kind)):
                choice = self.fields(item, DropdownChoice, (*loc, "choices", i), kind, element=element)
                if choice is None:
                    ok = False
                else:
                    choices.append(DropdownChoice(**choice))
        params_ok, parameters = self.parameters(data, loc, kind, element)
        computed = None
        if data.get("computed_attribute") is not None:
            values_ca = self.fields(data["computed_attribute"], ComputedAttribute, (*loc, "computed_attribute"), kind)
            computed = None if values_ca is None else ComputedAttribute(**values_ca)
            ok = ok and computed is not None
        if not ok or values is None or not params_ok:
            return None
        attr = AttributeSchema(
            **values,
            choices=tuple(choices) if choices is not None else None,
            parameters=parameters,
            computed_attribute=computed,
        )
        return attr if self.attribute_rules(attr, loc, kind) else None

    def parameters(
        self, data: Mapping[str, Any], loc: Loc, kind: str | None, element: str | None
    ) -> tuple[bool, AttributeParameters | None]:
        raw = data.get("parameters")
        if raw is None:
            return True, None
        attr_kind = data.get("kind")
        allowed = _PARAMETERS_BY_KIND.get(attr_kind if isinstance(attr_kind, str) else "", frozenset())
        values = self.fields(raw, AttributeParameters, (*loc, "parameters"), kind, allowed=allowed, element=element)
        return (False, None) if values is None else (True, AttributeParameters(**values))

    def attribute_rules(self, attr: AttributeSchema, loc: Loc, kind: str | None) -> bool:
        """Rules that need several fields of one attribute, and nothing else."""
        before = len(self.errors)
        if attr.kind == "Dropdown" and not attr.choices:
            self.error("schema.invalid_value", "a Dropdown attribute needs choices", (*loc, "choices"), kind)
        if attr.choices is not None and attr.kind != "Dropdown":
            self.error("schema.invalid_value", "only a Dropdown attribute takes choices", (*loc, "choices"), kind)
        if attr.choices:
            names = [c.name for c in attr.choices]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                self.error("schema.duplicate", f"choice names must be unique: {dupes}", (*loc, "choices"), kind)
        regexes = [("regex", attr.regex)]
        if attr.parameters is not None:
            regexes.append(("parameters", attr.parameters.regex))
        for field, pattern in regexes:
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                self.error("schema.invalid_value", f"invalid regular expression: {exc}", (*loc, field), kind, pattern)
        low = attr.min_length if attr.min_length is not None else (attr.parameters and attr.parameters.min_length)
        high = attr.max_length if attr.max_length is not None else (attr.parameters and attr.parameters.max_length)
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.error("schema.invalid_value", "min_length is greater than max_length", (*loc, "min_length"), kind)
        ca = attr.computed_attribute
        if ca is not None and ca.kind == "Jinja2" and not ca.jinja2_template:
            self.error("schema.missing_field", "a Jinja2 computed attribute needs jinja2_template",
                       (*loc, "computed_attribute", "jinja2_template"), kind)
        if ca is not None and ca.kind == "TransformPython" and not ca.transform:
            self.error("schema.missing_field", "a TransformPython computed attribute needs transform",
                       (*loc, "computed_attribute", "transform"), kind)
        return len(self.errors) == before
