"""Parsed, validated and planned documents, kept per schema hash and query text.

Clients (the SDK, automation) send the same few documents over and over; parsing and
validating a large one costs milliseconds each time, planning it more. The cache is an object
the service owns and passes in, like `GraphQLSchemaCache`.

The SDK writes every value of a mutation into its text (`BranchCreate(data: {name: "x"})`,
`<Kind>Create(data: {name: {value: "y"}})`), so those texts are new each time. Validation
(0.7-1.1 ms for such a document, mostly graphql-core setting up its 33 rule visitors) does not
depend on what a string literal holds as long as every scalar accepts or refuses a string
literal by its kind alone: String, ID and custom scalars left untyped (DateTime, GenericScalar)
take any; Int, Float, Boolean, enums, BigInt and Upload take none. A schema with any other scalar is
checked in full each time. So a document whose text differs from one that validated cleanly
only inside its string literals is valid too, and is not validated again.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import NamedTuple

from graphql import DocumentNode, GraphQLError, GraphQLScalarType, GraphQLSchema, parse, validate
from graphql.error import GraphQLSyntaxError

from strata_core.recent import keep_recent
from strata_graphql.limits import VALIDATION_RULES
from strata_graphql.runtime.selection_plan import OperationPlan, Unsupported, compile_operation

__all__ = ["DocumentCache", "PreparedDocument", "string_blind_shape"]

# A GraphQL string literal on one line (block strings `"""` are not blanked: see the caller).
# In a comment, a quote pair can only match within that comment's line, which changes nothing.
_STRING_LITERAL = re.compile(r'"(?:[^"\\\n\r]|\\.)*"')
# scalars whose literal checks look at a literal's kind only (BigInt: sdl/scalars.py refuses any
# string; Upload refuses every literal)
_KIND_CHECKED_SCALARS = frozenset({"String", "ID", "Int", "Float", "Boolean", "BigInt", "Upload"})


class PreparedDocument(NamedTuple):
    document: DocumentNode | None  # None when it does not parse
    errors: list[GraphQLError]  # syntax or validation errors
    plan: OperationPlan | None  # None when the planned executor does not handle it


class DocumentCache:
    def __init__(self, maxsize: int = 512) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, str, str | None], PreparedDocument] = OrderedDict()
        # string-blind shapes of documents that validated without error (see the module's doc)
        self._valid_shapes: OrderedDict[tuple[str, str, str | None], None] = OrderedDict()
        self._string_blind: dict[str, bool] = {}  # per schema hash: its scalars allow shapes

    def prepare(
        self, schema: GraphQLSchema, schema_hash: str, query: str, operation_name: str | None
    ) -> PreparedDocument:
        key = (schema_hash, query, operation_name)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found
        blind = self._string_blind.get(schema_hash)
        if blind is None:
            blind = self._string_blind[schema_hash] = _literal_content_ignored(schema)
        shape = string_blind_shape(query) if blind else None
        shape_key = (schema_hash, shape, operation_name) if shape is not None else None
        known_valid = shape_key is not None and shape_key in self._valid_shapes
        prepared = _prepare(schema, query, operation_name, validated=known_valid)
        keep_recent(self._entries, key, prepared, self.maxsize)
        if shape_key is not None and prepared.document is not None and not prepared.errors:
            keep_recent(self._valid_shapes, shape_key, None, self.maxsize)
        return prepared

    def __len__(self) -> int:
        return len(self._entries)


def string_blind_shape(query: str) -> str | None:
    """`query` with the content of each string literal removed; None when it holds a block
    string (rare in documents; not worth a lexer to blank correctly)."""
    if '"""' in query:
        return None
    return _STRING_LITERAL.sub('""', query) if '"' in query else query


def _literal_content_ignored(schema: GraphQLSchema) -> bool:
    """Whether no scalar of `schema` looks into a string literal (see the module's doc): the
    custom ones keep graphql-core's defaults, which take any literal as it is."""
    for name, type_ in schema.type_map.items():
        if not isinstance(type_, GraphQLScalarType) or name in _KIND_CHECKED_SCALARS:
            continue
        overridden = vars(type_).keys() & {"parse_literal", "parse_value"}
        if overridden or type_.coerce_input_literal is not None:
            return False
        if type_.coerce_input_value is not GraphQLScalarType.parse_value:
            return False
    return True


def _prepare(schema: GraphQLSchema, query: str, operation_name: str | None, *, validated: bool) -> PreparedDocument:
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return PreparedDocument(None, [exc], None)
    # the standard rules and Strata's limits, unless a document of this string-blind shape passed them
    errors = [] if validated else validate(schema, document, VALIDATION_RULES)
    if errors:
        return PreparedDocument(document, list(errors), None)
    try:
        plan: OperationPlan | None = compile_operation(schema, document, operation_name)
    except Unsupported:
        plan = None
    return PreparedDocument(document, [], plan)
