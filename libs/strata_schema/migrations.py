"""What a schema change requires: migrations to run, data constraints to check, or refusal.

Each property of a kind, attribute or relationship has an update policy (Infrahub's table):
`allowed` needs nothing, `migration` needs the data rewritten, `constraint` needs the current
data checked against the new rule, and `not_supported` refuses the change outright.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

import msgspec

from .diff import KindDiff, SchemaDiff
from .errors import SchemaError
from .model import GenericSchema, NodeSchema

__all__ = ["UPDATE_POLICY", "Constraint", "Migration", "MigrationPlan", "plan_migrations"]

Policy = Literal["allowed", "migration", "constraint", "not_supported"]

UPDATE_POLICY: Final[dict[str, dict[str, Policy]]] = {
    "node": {
        "name": "migration", "namespace": "migration", "branch": "not_supported",
        "uniqueness_constraints": "constraint", "inherit_from": "constraint", "generate_profile": "constraint",
        "hierarchy": "constraint", "parent": "constraint", "children": "constraint", "hierarchical": "constraint",
    },
    "attribute": {
        "name": "migration", "kind": "constraint", "enum": "constraint", "choices": "constraint",
        "regex": "constraint", "max_length": "constraint", "min_length": "constraint", "parameters": "constraint",
        "unique": "constraint", "optional": "constraint", "branch": "not_supported",
    },
    "relationship": {
        "identifier": "migration", "peer": "constraint", "cardinality": "constraint", "min_count": "constraint",
        "max_count": "constraint", "optional": "constraint", "branch": "not_supported",
        "direction": "not_supported", "hierarchical": "not_supported",
    },
}


class Migration(msgspec.Struct, frozen=True, kw_only=True):
    """A data rewrite the change needs, e.g. `node.attribute.add` (backfilling `default_value`)."""

    name: str
    kind: str
    field: str | None = None
    previous_kind: str | None = None
    previous_field: str | None = None
    default_value: Any = None


class Constraint(msgspec.Struct, frozen=True, kw_only=True):
    """A rule the existing objects must satisfy before the change can be accepted."""

    name: str
    kind: str
    field: str | None = None
    previous_kind: str | None = None  # where the data lives today, when the kind is renamed
    previous_field: str | None = None


class MigrationPlan(msgspec.Struct, frozen=True, kw_only=True):
    migrations: tuple[Migration, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    errors: tuple[SchemaError, ...] = ()

    def to_api_list(self) -> list[dict[str, Any]]:
        return [msgspec.to_builtins(m) for m in self.migrations]


def _not_supported(kind: str, what: str, field: str | None, prop: str) -> SchemaError:
    where = f"{what} {field!r}" if field else "the kind"
    loc: tuple[str | int, ...] = (f"{what}s", field, prop) if field else (prop,)
    return SchemaError(
        code="schema.update_not_supported", kind=kind, loc=loc,
        reason=f"{prop!r} of {where} cannot be changed once it exists",
    )


def _without_mirrored_parameters(props: tuple[str, ...]) -> tuple[str, ...]:
    """`regex`, `min_length` and `max_length` mirror `parameters`: check each change once."""
    if "parameters" in props and {"regex", "min_length", "max_length"} & set(props):
        return tuple(p for p in props if p != "parameters")
    return props


def _refused_only(kind: str, change: KindDiff) -> list[SchemaError]:
    """A generic holds no data: only its unsupported changes matter (its nodes carry the rest)."""
    errors = [_not_supported(kind, "node", None, p) for p in change.changed
              if UPDATE_POLICY["node"].get(p) == "not_supported"]
    for what, fields in (("attribute", change.attributes), ("relationship", change.relationships)):
        for name, element in fields.changed.items():
            errors += [_not_supported(kind, what, name, p) for p in element.changed
                       if UPDATE_POLICY[what].get(p) == "not_supported"]
    return errors


def plan_migrations(
    diff: SchemaDiff,
    old: Mapping[str, NodeSchema | GenericSchema],
    new: Mapping[str, NodeSchema | GenericSchema],
) -> MigrationPlan:
    """Classify every change of `diff` (between `old` and `new`) into migrations and constraints."""
    migrations: list[Migration] = []
    constraints: list[Constraint] = []
    errors: list[SchemaError] = []
    for kind in diff.removed:
        if not isinstance(old[kind], NodeSchema):
            continue  # generics hold no objects of their own
        migrations.append(Migration(name="node.remove", kind=kind))
        constraints.append(Constraint(name="node.remove", kind=kind, previous_kind=kind))
    for kind, change in diff.changed.items():
        after = new[kind]
        source = change.previous_kind
        if not isinstance(after, NodeSchema):
            errors.extend(_refused_only(kind, change))
            continue
        for prop in change.changed:
            policy = UPDATE_POLICY["node"].get(prop, "allowed")
            if policy == "migration":
                migrations.append(Migration(name=f"node.{prop}.update", kind=kind, previous_kind=source))
            elif policy == "constraint":
                constraints.append(Constraint(name=f"node.{prop}.update", kind=kind, previous_kind=source))
            elif policy == "not_supported":
                errors.append(_not_supported(kind, "node", None, prop))
        attrs = change.attributes
        for name in attrs.added:
            attr = after.attribute(name)
            default = attr.default_value if attr is not None else None
            migrations.append(Migration(name="node.attribute.add", kind=kind, field=name, default_value=default))
            if attr is not None and (not attr.optional or attr.unique):
                constraints.append(Constraint(name="node.attribute.add", kind=kind, field=name, previous_kind=source))
        for name in attrs.removed:
            migrations.append(Migration(name="node.attribute.remove", kind=kind, field=name, previous_kind=source))
        for name, element in attrs.changed.items():
            previous = attrs.renamed.get(name, name)
            for prop in _without_mirrored_parameters(element.changed):
                policy = UPDATE_POLICY["attribute"].get(prop, "allowed")
                if policy == "migration":
                    migrations.append(Migration(name=f"attribute.{prop}.update", kind=kind, field=name,
                                                previous_kind=source, previous_field=previous))
                elif policy == "constraint":
                    constraints.append(Constraint(name=f"attribute.{prop}.update", kind=kind, field=name,
                                                  previous_kind=source, previous_field=previous))
                elif policy == "not_supported":
                    errors.append(_not_supported(kind, "attribute", name, prop))
        rels = change.relationships
        for name in rels.added:
            rel = after.relationship(name)
            if rel is not None and not rel.optional:
                constraints.append(Constraint(name="node.relationship.add", kind=kind, field=name, previous_kind=source))
        for name in rels.removed:
            migrations.append(Migration(name="node.relationship.remove", kind=kind, field=name, previous_kind=source))
        for name, element in rels.changed.items():
            previous = rels.renamed.get(name, name)
            for prop in element.changed:
                policy = UPDATE_POLICY["relationship"].get(prop, "allowed")
                if policy == "migration":
                    migrations.append(Migration(name=f"relationship.{prop}.update", kind=kind, field=name,
                                                previous_kind=source, previous_field=previous))
                elif policy == "constraint":
                    constraints.append(Constraint(name=f"relationship.{prop}.update", kind=kind, field=name,
                                                  previous_kind=source, previous_field=previous))
                elif policy == "not_supported":
                    errors.append(_not_supported(kind, "relationship", name, prop))
    return MigrationPlan(migrations=tuple(migrations), constraints=tuple(constraints), errors=tuple(errors))
