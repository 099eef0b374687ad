"""Object templates: a create naming its `object_template` takes the template's attribute values
for the attributes its input leaves out (the input wins), before anything is checked, so a
mandatory attribute the template gives is satisfied and one it lacks is still refused.

Only attribute values are taken. Relationships and component children of a template are not
applied (Infrahub also creates the template's children as objects of their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strata_schema.model import KindSchema

from .reader import StateReader
from .records import NodeRecord

__all__ = ["with_template_values"]

TEMPLATE_RELATIONSHIP = "object_template"


async def with_template_values(node: KindSchema, data: Mapping[str, Any], reader: StateReader) -> Mapping[str, Any]:
    """`data` with the named template's values added; `data` itself when it names none, or one
    that cannot be found (the relationship's own check then reports it)."""
    relationship = next((r for r in node.relationships if r.name == TEMPLATE_RELATIONSHIP), None)
    named = data.get(TEMPLATE_RELATIONSHIP)
    if relationship is None or not isinstance(named, Mapping):
        return data
    template = await _template(relationship.peer, named, reader)
    if template is None:
        return data
    filled = dict(data)
    for attr in node.attributes:
        if attr.name in filled or attr.read_only:
            continue
        value = template.value(attr.name)
        if value is not None:
            filled[attr.name] = {"value": value}
    return filled


async def _template(kind: str, named: Mapping[str, Any], reader: StateReader) -> NodeRecord | None:
    uid = named.get("id")
    if isinstance(uid, str) and uid:
        found = (await reader.get([uid])).get(uid)
        return found if found is not None and found.kind == kind else None
    hfid = named.get("hfid")
    if isinstance(hfid, list) and hfid:
        return await reader.find_by_hfid(kind, [str(part) for part in hfid])
    return None
