"""Object templates: a create naming its `object_template` takes the template's attribute values
for the attributes its input leaves out (the input wins), before anything is checked, so a
mandatory attribute the template gives is satisfied and one it lacks is still refused.

Only attribute values are taken. Relationships and component children of a template are not
applied (Infrahub also creates the template's children as objects of their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strata_schema import BranchSchema
from strata_schema.constants import OBJECT_TEMPLATE_RELATIONSHIP
from strata_schema.model import KindSchema

from .errors import MutationError, ObjectNotFound
from .reader import StateReader
from .update import locate

__all__ = ["with_template_values"]


async def with_template_values(
    schema: BranchSchema, node: KindSchema, data: Mapping[str, Any], reader: StateReader
) -> Mapping[str, Any]:
    """`data` with the named template's values added; `data` itself when it names none, or one
    that cannot be found (the relationship's own check then reports it)."""
    relationship = node.relationship(OBJECT_TEMPLATE_RELATIONSHIP)
    named = data.get(OBJECT_TEMPLATE_RELATIONSHIP)
    if relationship is None or not isinstance(named, Mapping):
        return data
    try:
        template = await locate(schema, relationship.peer, named, reader)
    except (MutationError, ObjectNotFound):  # named by neither id nor hfid, or not found
        return data
    filled = dict(data)
    for attr in node.attributes:
        if attr.name in filled or attr.read_only:
            continue
        value = template.value(attr.name)
        if value is not None:
            filled[attr.name] = {"value": value}
    return filled
