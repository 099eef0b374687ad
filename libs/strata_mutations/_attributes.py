"""Attribute inputs (`{value, is_protected, is_visible, source, owner}`) to attribute values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from strata_events import AttributeValue
from strata_schema import AttributeSchema, KindSchema, value_error

from ._passwords import hash_if_password
from .errors import Issues
from .records import NodeRecord

__all__ = ["attributes_for_create", "attributes_for_update", "stored"]

_CREATE_KEYS: Final = frozenset({"value", "is_protected", "is_visible", "source", "owner"})
_UPDATE_KEYS: Final = _CREATE_KEYS | {"is_default"}
_FLAGS: Final = ("is_protected", "is_visible")
_NODE_PROPERTIES: Final = ("source", "owner")
# Infrahub keeps short values indexable and refuses longer ones, except for these kinds.
_MAX_STRING_BYTES: Final = 4096
_LARGE_KINDS: Final = frozenset({"TextArea", "JSON"})


def stored(record: Mapping[str, Any] | None) -> AttributeValue:
    """An attribute as the read model holds it, with the defaults filled in."""
    record = record or {}
    return AttributeValue(
        value=record.get("value"),
        is_protected=bool(record.get("is_protected", False)),
        is_visible=bool(record.get("is_visible", True)),
        source=record.get("source"),
        owner=record.get("owner"),
    )


def _read_input(
    attr: AttributeSchema, raw: Any, keys: frozenset[str], base: AttributeValue, issues: Issues
) -> tuple[AttributeValue, bool] | None:
    """`base` with the input applied, and whether the input set the value; None if refused."""
    path = ("data", attr.name)
    if attr.read_only:
        issues.add(path, f"{attr.name} is read-only and cannot be set")
        return None
    if not isinstance(raw, Mapping):
        issues.add(path, f"{attr.name} expects an object such as {{value: ...}}")
        return None
    ok = True
    for key in raw:
        if key == "from_pool":
            # the API allocates a single mutation's pools before deciding (`number_pools.py`)
            issues.add((*path, key), f"allocating {attr.name} from a resource pool is not supported in a document "
                                     "of several creates: send this create alone")
            ok = False
        elif key not in keys:
            issues.add((*path, key), f"{key} is not a valid input for the attribute {attr.name}")
            ok = False
    changes: dict[str, Any] = {}
    for flag in _FLAGS:
        if flag in raw:
            if not isinstance(raw[flag], bool):
                issues.add((*path, flag), f"{flag} must be a boolean")
                ok = False
            else:
                changes[flag] = raw[flag]
    for prop in _NODE_PROPERTIES:
        if prop in raw:
            if raw[prop] is not None and not isinstance(raw[prop], str):
                issues.add((*path, prop), f"{prop} must be the id of a node")
                ok = False
            else:
                changes[prop] = raw[prop]
    if "value" in raw:
        changes["value"] = raw["value"]
        changes["is_default"] = False
    elif raw.get("is_default") is True:
        changes["value"] = attr.default_value
        changes["is_default"] = True
    if not ok:
        return None
    return msgspec.structs.replace(base, **changes), "value" in changes


def _check_value(attr: AttributeSchema, value: Any, issues: Issues) -> None:
    path = ("data", attr.name, "value")
    if value is None:
        if not attr.optional:
            issues.add(path, f"A value must be provided for {attr.name}")
        return
    reason = value_error(attr, value)
    if reason is None and isinstance(value, str) and attr.kind not in _LARGE_KINDS:
        if 3 + len(value.encode("utf-8")) >= _MAX_STRING_BYTES:
            reason = f"Text attribute length should be less than {_MAX_STRING_BYTES} characters."
    if reason is not None:
        issues.add(path, reason)


def _label_from_name(node: KindSchema, values: dict[str, AttributeValue]) -> None:
    # Infrahub fills an empty `label` from `name` on new objects (`dc_west` -> `Dc West`).
    label, name = values.get("label"), values.get("name")
    if label is None or name is None or label.value is not None:
        return
    if isinstance(name.value, str) and name.value:
        text = " ".join(word.title() for word in name.value.split("_"))
        values["label"] = msgspec.structs.replace(label, value=text)


def attributes_for_create(node: KindSchema, data: Mapping[str, Any], issues: Issues) -> dict[str, AttributeValue]:
    """Every attribute of a new object: the input's, else the default, else null."""
    values: dict[str, AttributeValue] = {}
    for attr in node.attributes:
        if attr.name not in data:
            if not attr.optional and attr.default_value is None:
                issues.add(("data", attr.name), f"{attr.name} is mandatory for {node.kind}")
            values[attr.name] = AttributeValue(value=attr.default_value, is_default=attr.default_value is not None)
            continue
        read = _read_input(attr, data[attr.name], _CREATE_KEYS, AttributeValue(), issues)
        if read is None:
            continue
        value = read[0]
        if value.value is None and attr.default_value is not None:
            value = msgspec.structs.replace(value, value=attr.default_value, is_default=True)
        _check_value(attr, value.value, issues)
        values[attr.name] = hash_if_password(attr.kind, value)
    _label_from_name(node, values)
    return values


def attributes_for_update(
    node: KindSchema, record: NodeRecord, data: Mapping[str, Any], issues: Issues
) -> dict[str, AttributeValue]:
    """The attributes the input changes, each as its whole new state."""
    changed: dict[str, AttributeValue] = {}
    for attr in node.attributes:
        if attr.name not in data:
            continue
        before = stored(record.attrs.get(attr.name))
        read = _read_input(attr, data[attr.name], _UPDATE_KEYS, before, issues)
        if read is None:
            continue
        after, value_given = read
        if value_given:
            _check_value(attr, after.value, issues)
            after = hash_if_password(attr.kind, after)
        if after != before:
            changed[attr.name] = after
    return changed
