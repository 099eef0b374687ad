"""One attribute's allowed values changed on their own, as infrahub-sdk's
`schema.add_dropdown_option` / `remove_dropdown_option` / `add_enum_option` /
`remove_enum_option` ask (the `SchemaDropdown*` and `SchemaEnum*` mutations): the kind's
definition with one dropdown choice or one enum value added or removed. Whether stored values
still fit is for the load's data checks to say."""

from __future__ import annotations

from typing import Any

import msgspec

from .branch import BranchSchema, LoadOutcome, with_definition
from .errors import SchemaError, SchemaValidationError
from .model import AttributeSchema, DropdownChoice, MainSchema

__all__ = ["with_choice", "with_enum_value"]


def _refused(kind: str, attribute: str, reason: str) -> SchemaValidationError:
    return SchemaValidationError([SchemaError(code="schema.edit", reason=reason, kind=kind, loc=("attributes", attribute))])


def _attribute(current: BranchSchema, kind: str, attribute: str) -> tuple[MainSchema, AttributeSchema]:
    definition = current.definitions.get(kind)
    if definition is None:
        raise SchemaValidationError([SchemaError(code="schema.edit", reason=f"kind: no kind {kind!r} in the schema")])
    found = next((a for a in definition.attributes if a.name == attribute), None)
    if found is None:
        raise _refused(kind, attribute, f"attribute: {kind} defines no attribute {attribute!r} (an inherited one is "
                                        "changed on the generic that defines it)")  # fmt: skip
    return definition, found


def _replaced(definition: MainSchema, attribute: AttributeSchema) -> MainSchema:
    attributes = tuple(attribute if a.name == attribute.name else a for a in definition.attributes)
    return msgspec.structs.replace(definition, attributes=attributes)


def with_choice(
    current: BranchSchema, kind: str, attribute: str, choice: DropdownChoice, *, remove: bool = False
) -> LoadOutcome:
    """The load adding `choice` to (or removing the choice of its name from) a Dropdown attribute."""
    definition, attr = _attribute(current, kind, attribute)
    if attr.kind != "Dropdown":
        raise _refused(kind, attribute, f"attribute: {kind}.{attribute} is a {attr.kind}, not a Dropdown")
    choices = attr.choices or ()
    present = any(c.name == choice.name for c in choices)
    if remove and not present:
        raise _refused(kind, attribute, f"dropdown: {choice.name!r} is not a choice of {kind}.{attribute}")
    if not remove and present:
        raise _refused(kind, attribute, f"dropdown: {choice.name!r} is already a choice of {kind}.{attribute}")
    kept = tuple(c for c in choices if c.name != choice.name) if remove else (*choices, choice)
    return with_definition(current, _replaced(definition, msgspec.structs.replace(attr, choices=kept)))


def with_enum_value(current: BranchSchema, kind: str, attribute: str, value: Any, *, remove: bool = False) -> LoadOutcome:
    """The load adding `value` to (or removing it from) an attribute's `enum`."""
    definition, attr = _attribute(current, kind, attribute)
    if attr.enum is None:
        raise _refused(kind, attribute, f"attribute: {kind}.{attribute} has no enum")
    if isinstance(value, str) and attr.enum and all(isinstance(v, int) for v in attr.enum):
        try:
            value = int(value)  # the mutation's input is a string: a number enum's value as its number
        except ValueError:
            raise _refused(kind, attribute, f"enum: {value!r} is not a number, as {kind}.{attribute}'s values are") from None
    present = value in attr.enum
    if remove and not present:
        raise _refused(kind, attribute, f"enum: {value!r} is not a value of {kind}.{attribute}")
    if not remove and present:
        raise _refused(kind, attribute, f"enum: {value!r} is already a value of {kind}.{attribute}")
    kept = tuple(v for v in attr.enum if v != value) if remove else (*attr.enum, value)
    return with_definition(current, _replaced(definition, msgspec.structs.replace(attr, enum=kept)))
