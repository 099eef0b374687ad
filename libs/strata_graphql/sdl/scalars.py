"""Behaviour of the custom scalars that the SDL only names.

BigInt is a 64-bit signed integer: Neo4j stores and compares nothing wider, so a wider value
(as a filter or as an attribute value) is refused at validation with a clear error instead of
failing inside the driver or the projector. Upload takes only the files of a multipart request
(`strata_graphql.uploads`).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLSchema, GraphQLScalarType, IntValueNode, ValueNode
from graphql.language.printer import print_ast

from strata_graphql.uploads import parse_upload, refuse_upload_literal

__all__ = ["INT64_MAX", "INT64_MIN", "bind_scalars"]

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _big_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        else:
            raise GraphQLError(f"BigInt cannot represent a non-integer value: {value!r}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise GraphQLError(f"BigInt cannot represent {value}: outside the 64-bit range {INT64_MIN}..{INT64_MAX}")
    return int(value)


def _big_int_literal(node: ValueNode, _variables: Any = None) -> int:
    if not isinstance(node, IntValueNode):
        raise GraphQLError(f"BigInt cannot represent a non-integer value: {print_ast(node)}", node)
    try:
        return _big_int(int(node.value))
    except GraphQLError as exc:
        raise GraphQLError(exc.message, node) from None  # with the literal's location


def bind_scalars(schema: GraphQLSchema) -> GraphQLSchema:
    big_int = schema.type_map.get("BigInt")
    if isinstance(big_int, GraphQLScalarType):
        big_int.parse_value = _big_int  # type: ignore[method-assign]  # graphql-core binds scalars by assignment
        big_int.coerce_input_value = _big_int  # variables (graphql-core 3.3 copies parse_value at build)
        big_int.parse_literal = _big_int_literal  # type: ignore[method-assign,assignment]  # as above
    upload = schema.type_map.get("Upload")
    if isinstance(upload, GraphQLScalarType):
        upload.parse_value = parse_upload  # type: ignore[method-assign]  # as BigInt's
        upload.coerce_input_value = parse_upload
        upload.parse_literal = refuse_upload_literal  # type: ignore[method-assign,assignment]
    return schema
