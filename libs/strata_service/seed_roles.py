"""The role and group the seeded admin account belongs to, as Infrahub's first start makes them:
the "Super Administrators" account group, holding the "Super Administrator" role, which holds
the `super_admin` global permission.

Objects are seeded as their creation events, with both ends of every relationship filled (what
a create through the API decides as back-references)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from strata_events import AttributeValue, NodeCreated

__all__ = ["SUPER_ADMINISTRATORS_GROUP_ID", "super_administrators_events"]


def _seed_id(what: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"strata:{what}"))


SUPER_ADMINISTRATORS_GROUP_ID = _seed_id("account-group:Super Administrators")
_ROLE_ID = _seed_id("account-role:Super Administrator")
_PERMISSION_ID = _seed_id("global-permission:super_admin")
_ALLOW_ALL = 6  # the decision of a permission that allows on every branch


def _created(uid: str, kind: str, values: dict[str, Any], relationships: dict[str, list[str]]) -> NodeCreated:
    attributes = {name: AttributeValue(value=value) for name, value in values.items()}
    return NodeCreated(node_id=uid, kind=kind, attributes=attributes, relationships=relationships)


def super_administrators_events(members: Sequence[str]) -> list[NodeCreated]:
    """The permission, the role and the group, the group's members being the accounts `members`
    (whose own creation events name the group in `member_of_groups`)."""
    permission_values = {"action": "super_admin", "decision": _ALLOW_ALL, "description": "Allow a user to do anything",
                         "identifier": "global:super_admin:allow_all"}  # fmt: skip
    group_values = {"name": "Super Administrators", "label": None, "description": None, "group_type": "default"}
    return [
        _created(_PERMISSION_ID, "CoreGlobalPermission", permission_values, {"roles": [_ROLE_ID]}),
        _created(_ROLE_ID, "CoreAccountRole", {"name": "Super Administrator"},
                 {"permissions": [_PERMISSION_ID], "groups": [SUPER_ADMINISTRATORS_GROUP_ID]}),  # fmt: skip
        _created(SUPER_ADMINISTRATORS_GROUP_ID, "CoreAccountGroup", group_values,
                 {"roles": [_ROLE_ID], "members": list(members)}),  # fmt: skip
    ]
