"""HashedPassword attributes are stored as argon2 hashes, never as the text a client sent."""

from __future__ import annotations

from typing import Any, Final

import msgspec
from argon2 import PasswordHasher

from strata_events import AttributeValue

__all__ = ["HASHED_KIND", "hash_if_password"]

HASHED_KIND: Final = "HashedPassword"
_hasher = PasswordHasher()


def hash_if_password(kind: str, value: AttributeValue) -> AttributeValue:
    """`value` with its text replaced by an argon2 hash when the attribute is a HashedPassword
    (a value that already is an argon2 hash, e.g. from an export, is kept)."""
    text: Any = value.value
    if kind != HASHED_KIND or not isinstance(text, str) or text.startswith("$argon2"):
        return value
    return msgspec.structs.replace(value, value=_hasher.hash(text))
