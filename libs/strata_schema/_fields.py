"""Cached struct introspection: `msgspec.structs.fields` evaluates type hints on every call."""

from __future__ import annotations

import functools

import msgspec


@functools.cache
def field_infos(cls: type[msgspec.Struct]) -> dict[str, msgspec.structs.FieldInfo]:
    return {info.name: info for info in msgspec.structs.fields(cls)}


def field_names(cls: type[msgspec.Struct]) -> tuple[str, ...]:
    return tuple(field_infos(cls))
