"""Read-only attributes a kind's objects hold as a function of their own values, set with the
values they follow: an IP prefix's `netmask`, `hostmask`, `network_address` and
`broadcast_address` (the last address, for IPv6 too), from its `prefix`."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from strata_events import AttributeValue
from strata_schema import BranchSchema, KindSchema

from ._kinds import implements

__all__ = ["derived_values"]

IP_PREFIX_GENERIC = "BuiltinIPPrefix"


def derived_values(schema: BranchSchema, node: KindSchema, values: Mapping[str, AttributeValue]) -> dict[str, AttributeValue]:
    """The derived attributes to set when `values` (the attributes a mutation sets) hold what
    they follow; nothing for a value that does not parse (its own check reports it)."""
    prefix = values.get("prefix")
    if prefix is None or not implements(schema, node.kind, IP_PREFIX_GENERIC) or not isinstance(prefix.value, str):
        return {}
    try:
        network = ipaddress.ip_network(prefix.value, strict=False)
    except ValueError:
        return {}
    derived = {
        "netmask": str(network.netmask),
        "hostmask": str(network.hostmask),
        "network_address": str(network.network_address),
        "broadcast_address": str(network.broadcast_address),
    }
    names = {a.name for a in node.attributes}
    return {name: AttributeValue(value=value) for name, value in derived.items() if name in names}
