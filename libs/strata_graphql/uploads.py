"""Files sent with a GraphQL request (the GraphQL multipart request spec): the request's parts
become `UploadedFile` values of the variables its `map` names, and the `Upload` scalar takes
nothing else."""

from __future__ import annotations

from typing import Any

import msgspec
from graphql import GraphQLError, ValueNode

__all__ = ["UploadedFile", "parse_upload", "refuse_upload_literal"]


class UploadedFile(msgspec.Struct, frozen=True):
    filename: str
    content: bytes
    content_type: str | None = None


def parse_upload(value: Any) -> UploadedFile:
    if not isinstance(value, UploadedFile):
        raise GraphQLError("Upload: expected a file sent as a part of a multipart request (GraphQL multipart request "
                           "spec), with the variable named in its map")  # fmt: skip
    return value


def refuse_upload_literal(node: ValueNode, _variables: Any = None) -> UploadedFile:
    raise GraphQLError("Upload: a file cannot be written in the query; send it as a variable of a multipart request", node)
