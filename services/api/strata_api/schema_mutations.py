"""`SchemaDropdownAdd`, `SchemaDropdownRemove`, `SchemaEnumAdd`, `SchemaEnumRemove`: one
attribute's allowed values changed on the request's branch, as a schema load is (a
`SchemaLoaded` event under the branch head's OCC, after the stored data is checked against it:
a choice still held by an object is not removed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from strata_api.resources import Resources
from strata_api.schema_changes import change_schema
from strata_core.errors import ValidationFailed
from strata_graphql.runtime.context import GraphQLContext
from strata_schema import BranchSchema
from strata_schema.branch import LoadOutcome
from strata_schema.choice_edits import with_choice, with_enum_value
from strata_schema.model import DropdownChoice

__all__ = ["SCHEMA_MUTATIONS", "run_schema_mutation"]

SCHEMA_MUTATIONS = {"SchemaDropdownAdd", "SchemaDropdownRemove", "SchemaEnumAdd", "SchemaEnumRemove"}


def _choice(data: dict[str, Any]) -> DropdownChoice:
    given = {k: data.get(k) or None for k in ("label", "color", "description")}  # the SDK sends "" for none
    try:
        return msgspec.convert({"name": data.get("dropdown"), **given}, DropdownChoice)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(f"data: {exc}", field="data") from None


async def run_schema_mutation(resources: Resources, ctx: GraphQLContext, field: str, args: dict[str, Any]) -> Any:
    data = args.get("data") or {}
    kind, attribute, remove = str(data.get("kind")), str(data.get("attribute")), field.endswith("Remove")
    change: Callable[[BranchSchema], LoadOutcome]
    if field.startswith("SchemaDropdown"):
        choice = _choice(data)
        change = lambda current: with_choice(current, kind, attribute, choice, remove=remove)  # noqa: E731
    else:
        change = lambda current: with_enum_value(current, kind, attribute, data.get("enum"), remove=remove)  # noqa: E731
    ref = await resources.branches.resolve(ctx.branch_name)
    await change_schema(resources, ref, change, ctx.actor)
    if field != "SchemaDropdownAdd":
        return {"ok": True}
    schema = await resources.schemas.current(ref)
    kind_schema = schema.get(kind)
    attr = next(a for a in kind_schema.attributes if a.name == attribute) if kind_schema is not None else None
    added = next((c for c in (attr.choices or ()) if c.name == choice.name), choice) if attr is not None else choice
    return {"ok": True, "object": {"value": added.name, "label": added.label, "color": added.color,
                                   "description": added.description}}  # fmt: skip
