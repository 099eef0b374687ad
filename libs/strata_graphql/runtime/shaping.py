"""Turns read-model rows into the values GraphQL fields read: attributes with their metadata
(schema defaults filled in at read time), hfid, display_label, relationship placeholders."""

from __future__ import annotations

from typing import Any, Final

import msgspec

from strata_graphql.runtime.reader import NodeRow
from strata_graphql.sdl import attribute_graphql
from strata_schema import BranchSchema
from strata_schema.model import AttributeSchema, KindSchema, RelationshipSchema

__all__ = ["NOT_AN_ATTRIBUTE", "ChangeOf", "HfidOf", "LinkChangeOf", "MetadataOf", "NodeRef", "RelPeers", "ShapedNode", "agnostic_kinds", "attribute_field_value", "attribute_value", "concrete_kinds", "profile_priority", "profile_values", "shape_node"]


class RelPeers(msgspec.Struct, frozen=True):
    """A relationship field's peers, resolved lazily by the field resolver (the id list is
    only read if the field is asked for: a hub object may have very many peers)."""

    schema: RelationshipSchema
    row: NodeRow

    @property
    def peer_ids(self) -> list[str]:
        return self.row.rels.get(self.schema.name, [])


class ChangeOf(msgspec.Struct, frozen=True):
    """An attribute's `updated_at` (or, `by`, its `updated_by`): its last change, read only if
    the field is asked for (`strata_graph.attribute_changes`)."""

    uid: str
    kind: str
    name: str
    by: bool


class LinkChangeOf(msgspec.Struct, frozen=True):
    """A relationship edge's `relationship_metadata`: when the object's link to the peer last
    changed, read only if asked (`strata_graph.attribute_changes`)."""

    uid: str
    kind: str
    name: str
    peer: str


class MetadataOf(msgspec.Struct, frozen=True):
    """An edge's `node_metadata`: when its object was made and last changed, and by whom,
    read only if the field is asked for (`strata_graph.node_metadata`)."""

    uid: str
    kind: str


class NodeRef(msgspec.Struct, frozen=True):
    """A reference to another object (attribute source/owner), resolved lazily."""

    uid: str


def concrete_kinds(schema: BranchSchema, kind: str) -> list[str]:
    """The stored kinds a query on `kind` reads: itself, or the nodes implementing a generic."""
    found = schema.get(kind)
    used_by = getattr(found, "used_by", None)
    if used_by:
        return [k for k in used_by if k in schema.nodes]
    return [kind]


def agnostic_kinds(schema: BranchSchema) -> tuple[str, ...]:
    """Node kinds that are branch-agnostic: one copy, on main, seen from every branch."""
    return tuple(sorted(kind for kind, node in schema.nodes.items() if node.branch == "agnostic"))


def attribute_value(row: NodeRow, kind_schema: KindSchema, name: str) -> Any:
    record = row.attrs.get(name)
    if record is not None and "value" in record:
        return record["value"]
    for attr in kind_schema.attributes:
        if attr.name == name:
            return attr.default_value
    return None


def _path_value(row: NodeRow, kind_schema: KindSchema, path: str) -> Any:
    name, _, rest = path.partition("__")
    if not rest or rest == "value":
        return attribute_value(row, kind_schema, name)
    return None


def _display_label(row: NodeRow, kind_schema: KindSchema) -> str | None:
    if kind_schema.display_label and "{{" not in kind_schema.display_label:
        value = _path_value(row, kind_schema, kind_schema.display_label)
        return None if value is None else str(value)
    if kind_schema.display_label:
        template = kind_schema.display_label
        out = template
        for attr in kind_schema.attributes:
            for token in (f"{{{{ {attr.name}__value }}}}", f"{{{{{attr.name}__value}}}}"):
                value = attribute_value(row, kind_schema, attr.name)
                out = out.replace(token, "" if value is None else str(value))
        return out.strip()
    if kind_schema.display_labels:
        parts = [_path_value(row, kind_schema, p) for p in kind_schema.display_labels]
        text = " ".join(str(p) for p in parts if p is not None)
        return text or None
    return None


class HfidOf(msgspec.Struct, frozen=True):
    """The hfid of a row, computed when asked (it may need peers' attribute values)."""

    row: NodeRow


def profile_priority(row: NodeRow) -> int:
    """A profile's rank: the lowest profile_priority wins (Infrahub's default is 1000)."""
    value = row.attrs.get("profile_priority", {}).get("value")
    return int(value) if isinstance(value, int) else 1000


def profile_values(profiles: list[NodeRow]) -> dict[str, Any]:
    """Attribute values the object's profiles give, the lowest profile_priority winning."""
    out: dict[str, Any] = {}
    for row in sorted(profiles, key=profile_priority, reverse=True):
        for name, record in row.attrs.items():
            if not name.startswith("profile_") and record.get("value") is not None:
                out[name] = record["value"]
    return out


class _Layout:
    """A kind's attributes and relationships by name, for shaping many of its objects, with
    what every object's attribute shares worked out once: its GraphQL type name, and for a
    Dropdown the label, color and description of each choice."""

    def __init__(self, kind_schema: KindSchema) -> None:
        self.schema = kind_schema
        self.attributes = {a.name: a for a in kind_schema.attributes}
        self.relationships = {r.name: r for r in kind_schema.relationships}
        self.type_names = {a.name: attribute_graphql(a.kind).query_type for a in kind_schema.attributes}
        self.choices: dict[str, dict[Any, dict[str, Any]]] = {
            a.name: {c.name: {"label": c.label, "color": c.color, "description": c.description} for c in a.choices or ()}
            for a in kind_schema.attributes if a.kind == "Dropdown"
        }  # fmt: skip


class ShapedNode(dict[str, Any]):
    """An object's GraphQL values (see `shape_node`), each worked out the first time it is read.

    A page of a thousand objects is read for a few of their fields; shaping every attribute
    of every object and of every peer up front was most of a list's cost. Reads go through
    `[]`, `get` and `in`, which see every field the object has, computed or not; iterating
    shows only those computed so far, so nothing should iterate a shaped object."""

    __slots__ = ("_layout", "_row", "_profiles")

    def __init__(self, row: NodeRow, layout: _Layout | None, from_profiles: dict[str, Any] | None) -> None:
        self["id"], self["__kind"], self["__row"] = row.uid, row.kind, row  # faster than keyword arguments
        self._row = row
        self._layout = layout
        self._profiles = from_profiles or {}

    def __missing__(self, key: str) -> Any:
        layout = self._layout
        if layout is None:
            raise KeyError(key)
        if key in layout.attributes:
            value: Any = _shaped_attribute(self._row, layout.attributes[key], self._profiles, layout)
        elif key in layout.relationships:
            value = RelPeers(layout.relationships[key], self._row)
        elif key == "display_label":
            value = _display_label(self._row, layout.schema)
        elif key == "hfid":
            value = HfidOf(self._row) if layout.schema.human_friendly_id else None
        else:
            raise KeyError(key)
        self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        layout = self._layout
        return layout is not None and isinstance(key, str) and (
            key in layout.attributes or key in layout.relationships or key in ("display_label", "hfid")
        )


def _attribute_state(
    row: NodeRow, attr: AttributeSchema, from_profiles: dict[str, Any]
) -> tuple[dict[str, Any] | None, bool, Any]:
    """(the object's own record, or None when it has none or a profile overrides it; whether
    the value comes from a profile; the value): the object's own value, else its profiles',
    else the schema's default."""
    name = attr.name
    stored = row.attrs.get(name)
    if stored is None:
        if name in from_profiles:
            return None, True, from_profiles[name]
        return None, False, attr.default_value
    if name in from_profiles and (stored.get("is_default") or stored.get("value") is None):
        return None, True, from_profiles[name]  # nothing chosen on the object itself: the profile applies
    return stored, False, stored["value"] if "value" in stored else attr.default_value


NOT_AN_ATTRIBUTE: Final = object()


def attribute_field_value(parent: Any, name: str) -> Any:
    """The `value` of attribute `name` of a shaped object, as its shaped attribute holds it,
    without shaping the attribute; `NOT_AN_ATTRIBUTE` when `parent` is not a shaped object
    with that attribute. A list asks `value` alone of most attributes of every object: the
    full shaped attribute (ten fields) cost more than the rest of the object."""
    if type(parent) is not ShapedNode:
        return NOT_AN_ATTRIBUTE
    layout = parent._layout
    attr = layout.attributes.get(name) if layout is not None else None
    if attr is None:
        return NOT_AN_ATTRIBUTE
    return _attribute_state(parent._row, attr, parent._profiles)[2]


def _shaped_attribute(row: NodeRow, attr: AttributeSchema, from_profiles: dict[str, Any], layout: _Layout) -> dict[str, Any]:
    name = attr.name
    stored, profiled, value = _attribute_state(row, attr, from_profiles)
    if stored is None:
        is_default, is_protected, is_visible, source, owner = not profiled, False, True, None, None
    else:
        is_default, is_protected = bool(stored.get("is_default")), bool(stored.get("is_protected"))
        is_visible, source, owner = bool(stored.get("is_visible", True)), stored.get("source"), stored.get("owner")
    shaped: dict[str, Any] = {
        "__typename": layout.type_names[name], "id": f"{row.uid}:{name}", "value": value,
        "is_default": is_default, "is_inherited": False, "is_protected": is_protected, "is_visible": is_visible,
        "is_from_profile": profiled,
        # a value the object does not hold itself (a default, a profile's) has no change of its own
        "updated_at": None if stored is None else ChangeOf(row.uid, row.kind, name, False),
        "updated_by": None if stored is None else ChangeOf(row.uid, row.kind, name, True),
        "source": NodeRef(source) if source else None, "owner": NodeRef(owner) if owner else None,
    }  # fmt: skip
    choices = layout.choices.get(name)
    if choices is not None:
        choice = choices.get(value) if isinstance(value, (str, int, float, bool)) or value is None else None
        if choice is not None:
            shaped.update(choice)
    return shaped


def shape_node(
    row: NodeRow,
    schema: BranchSchema,
    from_profiles: dict[str, Any] | None = None,
    layouts: dict[str, _Layout | None] | None = None,
) -> ShapedNode:
    """`from_profiles`: values the object's profiles give (see `profile_values`); they apply
    to attributes the object does not set itself, before the schema's default. `layouts`
    keeps each kind's layout between calls (a request's)."""
    layouts = {} if layouts is None else layouts
    if row.kind not in layouts:
        kind_schema = schema.get(row.kind)
        layouts[row.kind] = _Layout(kind_schema) if kind_schema is not None else None
    return ShapedNode(row, layouts[row.kind], from_profiles)
