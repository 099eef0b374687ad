"""The JSON shapes of the schema API: `GET /api/schema` and its per-kind entries."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Final

import msgspec

from .constants import RESTRICTED_NAMESPACES
from .model import AttributeSchema, GenericSchema, KindSchema, NodeSchema, RelationshipSchema

__all__ = ["content_hash", "kind_to_api", "schema_to_api"]

_KIND_KEYS: Final = (
    "id", "state", "name", "namespace", "description", "label", "branch", "default_filter",
    "human_friendly_id", "display_label", "display_labels", "include_in_menu", "menu_placement", "icon",
    "order_by", "uniqueness_constraints", "documentation",
)
_NODE_KEYS: Final = ("inherit_from", "generate_profile", "generate_template", "hierarchy", "parent", "children")
_GENERIC_KEYS: Final = ("hierarchical", "generate_profile", "generate_template", "used_by", "restricted_namespaces")
_ATTRIBUTE_KEYS: Final = (
    "id", "state", "name", "kind", "enum", "computed_attribute", "choices", "regex", "max_length",
    "min_length", "label", "description", "read_only", "unique", "optional", "branch", "order_weight",
    "default_value", "inherited", "allow_override", "deprecation", "ordered", "display",
)
# Which parameters the API shows for each attribute kind.
_PARAMETERS: Final[dict[str, tuple[str, ...]]] = {
    "Text": ("regex", "min_length", "max_length"),
    "TextArea": ("regex", "min_length", "max_length"),
    "Number": ("min_value", "max_value", "excluded_values"),
    "List": ("regex",),
    "NumberPool": ("end_range", "start_range", "number_pool_id"),
}
_NUMBER_POOL_DEFAULTS: Final[dict[str, int]] = {"end_range": 9223372036854775807, "start_range": 1}


def content_hash(value: Any) -> str:
    """32 hex digits over the canonical JSON of `value` (keys sorted)."""
    data = msgspec.json.encode(value, order="sorted")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _plain(value: Any) -> Any:
    return msgspec.to_builtins(value)


def _attribute(attr: AttributeSchema) -> dict[str, Any]:
    out = {key: _plain(getattr(attr, key)) for key in _ATTRIBUTE_KEYS}
    keys = _PARAMETERS.get(attr.kind)
    if keys is None:
        out["parameters"] = {}
    else:
        params = attr.parameters
        shown: dict[str, Any] = {}
        for key in keys:
            value = getattr(params, key) if params is not None else None
            if value is None and attr.kind == "NumberPool":
                value = _NUMBER_POOL_DEFAULTS.get(key)
            shown[key] = value
        out["parameters"] = shown
    return out


def _relationship(rel: RelationshipSchema) -> dict[str, Any]:
    return _plain(rel)  # type: ignore[no-any-return]  # to_builtins of a struct is a dict


def kind_to_api(item: KindSchema) -> dict[str, Any]:
    """One entry of the `nodes`, `generics`, `profiles` or `templates` list."""
    out = {key: _plain(getattr(item, key)) for key in _KIND_KEYS}
    out["attributes"] = [_attribute(a) for a in item.attributes]
    out["relationships"] = [_relationship(r) for r in item.relationships]
    extra = _NODE_KEYS if isinstance(item, NodeSchema) else _GENERIC_KEYS if isinstance(item, GenericSchema) else ()
    for key in extra:
        out[key] = _plain(getattr(item, key))
    if not isinstance(item, NodeSchema | GenericSchema):
        out["inherit_from"] = _plain(getattr(item, "inherit_from", []))
    out["kind"] = item.kind
    out["hash"] = content_hash(out)
    # A JSON round trip turns tuples into lists: the value is exactly what the client will read.
    return msgspec.json.decode(msgspec.json.encode(out))  # type: ignore[no-any-return]  # decodes to a dict


def _namespaces(kinds: Iterable[KindSchema]) -> list[dict[str, Any]]:
    names = sorted({k.namespace for k in kinds})
    return [{"name": n, "user_editable": n not in RESTRICTED_NAMESPACES} for n in names]


def schema_to_api(
    main_hash: str,
    groups: Mapping[str, Mapping[str, KindSchema]],
    namespaces: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The whole `GET /api/schema` body; `groups` maps nodes/generics/profiles/templates to kinds."""
    wanted = set(namespaces) if namespaces else None
    out: dict[str, Any] = {"main": main_hash}
    every: list[KindSchema] = []
    for group in ("nodes", "generics", "profiles", "templates"):
        kinds = [k for _, k in sorted(groups.get(group, {}).items()) if wanted is None or k.namespace in wanted]
        every.extend(kinds)
        out[group] = [kind_to_api(k) for k in kinds]
    out["namespaces"] = _namespaces(every)
    return out
