"""Rules of particular kinds that the schema cannot express, run after the generic checks.

One explicit table from a kind (or a generic its objects implement) to a pure check of the
object's final attribute values; each problem is reported at the field it names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from strata_events import AttributeValue
from strata_schema import BranchSchema, KindSchema
from strata_webhooks.rules import WEBHOOK_GENERIC, webhook_problems

from ._kinds import implements
from .errors import Issues

__all__ = ["check_kind_rules"]

KindRule = Callable[[Mapping[str, Any]], list[tuple[str, str]]]

_RULES: Final[dict[str, KindRule]] = {
    WEBHOOK_GENERIC: webhook_problems,
}


def check_kind_rules(
    schema: BranchSchema,
    node: KindSchema,
    attributes: Mapping[str, AttributeValue],
    issues: Issues,
) -> None:
    """Adds the problems of the rules `node` falls under, judged on the object's final values."""
    values = {name: value.value for name, value in attributes.items()}
    for target, rule in _RULES.items():
        if not implements(schema, node.kind, target):
            continue
        for field, reason in rule(values):
            issues.add(("data", field, "value"), reason)
