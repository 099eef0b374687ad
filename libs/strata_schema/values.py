"""Check one attribute value against its attribute schema (kind, enum, choices, regex, lengths)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from .model import AttributeSchema

__all__ = ["value_error"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAC = re.compile(r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$|^[0-9A-Fa-f]{12}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _ip(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            parse(value)
        except ValueError:
            return False
        return True

    return check


def _network(value: str) -> object:
    return ipaddress.ip_network(value, strict=False)


# Kinds whose values are strings, with the extra format check when there is one.
_STRING_FORMATS: Final[dict[str, Callable[[str], bool] | None]] = {
    "ID": None,
    "Text": None,
    "TextArea": None,
    "Password": None,
    "HashedPassword": None,
    "File": None,
    "Dropdown": None,
    "Email": lambda v: bool(_EMAIL.match(v)),
    "URL": lambda v: bool(_URL.match(v)) or v.startswith("/"),
    "MacAddress": lambda v: bool(_MAC.match(v)),
    "Color": lambda v: bool(_COLOR.match(v)),
    "DateTime": _datetime,
    "IPHost": _ip(ipaddress.ip_interface),
    "IPAddress": _ip(ipaddress.ip_interface),
    "IPNetwork": _ip(_network),
}


def _shape_error(kind: str, value: Any) -> str | None:
    if kind in _STRING_FORMATS:
        if not isinstance(value, str):
            return f"{value!r} is not a string"
        check = _STRING_FORMATS[kind]
        if check is not None and not check(value):
            return f"{value!r} is not a valid {kind}"
        return None
    if kind in ("Number", "Bandwidth", "NumberPool"):
        return None if _is_int(value) else f"{value!r} is not an integer"
    if kind in ("Boolean", "Checkbox"):
        return None if isinstance(value, bool) else f"{value!r} is not a boolean"
    if kind == "List":
        return None if isinstance(value, list | tuple) else f"{value!r} is not a list"
    return None  # JSON and Any take any JSON value


def _constraint_error(attr: AttributeSchema, value: Any) -> str | None:
    params = attr.parameters
    if attr.kind == "Dropdown" and attr.choices is not None:
        names = [c.name for c in attr.choices]
        if value not in names:
            return f"{value!r} is not one of the choices {names}"
    if attr.enum is not None and value not in attr.enum:
        return f"{value!r} is not one of {list(attr.enum)}"
    if isinstance(value, str):
        regex = attr.regex or (params.regex if params else None)
        if regex is not None and not re.search(regex, value):
            return f"{value!r} does not match {regex!r}"
        low = attr.min_length if attr.min_length is not None else (params.min_length if params else None)
        high = attr.max_length if attr.max_length is not None else (params.max_length if params else None)
        if low is not None and len(value) < low:
            return f"{value!r} is shorter than {low} characters"
        if high is not None and len(value) > high:
            return f"{value!r} is longer than {high} characters"
    if _is_int(value) and params is not None:
        if params.min_value is not None and value < params.min_value:
            return f"{value} is lower than {params.min_value}"
        if params.max_value is not None and value > params.max_value:
            return f"{value} is greater than {params.max_value}"
    return None


def value_error(attr: AttributeSchema, value: Any) -> str | None:
    """Why `value` cannot be stored in `attr`, or None when it can. None values are not checked."""
    if value is None:
        return None
    return _shape_error(attr.kind, value) or _constraint_error(attr, value)
