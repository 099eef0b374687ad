"""What an object id may be: it becomes one token of a NATS subject (`...node.<id>`), so it may
not hold '.', '*', '>', whitespace or control characters. Generated ids are UUIDs; ids a client
supplies must pass this check."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["NODE_ID_RULE", "is_valid_node_id"]

_NODE_ID: Final = re.compile(r"[A-Za-z0-9_:-]{1,128}")
NODE_ID_RULE: Final = "1 to 128 letters, digits, '-', '_' or ':'"


def is_valid_node_id(value: object) -> bool:
    return isinstance(value, str) and _NODE_ID.fullmatch(value) is not None
