"""IP address pools: allocation from a pool's prefixes, from_pool inputs, idempotent identifiers."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.e2e.conftest import TOKEN_HEADERS

pytestmark = pytest.mark.integration

IPAM = {"schemas": [{"version": "1.0", "nodes": [
    {"name": "IPPrefix", "namespace": "Ipam", "inherit_from": ["BuiltinIPPrefix"]},
    {"name": "IPAddress", "namespace": "Ipam", "inherit_from": ["BuiltinIPAddress"]},
    {"name": "Device", "namespace": "Infra", "human_friendly_id": ["name__value"],
     "attributes": [{"name": "name", "kind": "Text", "unique": True}],
     "relationships": [{"name": "primary_address", "peer": "IpamIPAddress", "optional": True,
                        "cardinality": "one", "kind": "Attribute"}]},
]}]}  # fmt: skip


async def _gql(api: AsyncTestClient, query: str) -> dict[str, Any]:  # type: ignore[type-arg]
    body: dict[str, Any] = (await api.post("/graphql/main", json={"query": query}, headers=TOKEN_HEADERS)).json()
    assert not body.get("errors"), body
    return body


async def test_pool_allocates_free_addresses_idempotently(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=IPAM, headers=TOKEN_HEADERS)).status_code == 200
    ns = (await _gql(api, 'query { IpamNamespace(name__value: "default") { edges { node { id } } } }'))["data"]["IpamNamespace"]["edges"][0]["node"]["id"]
    prefix = (await _gql(api, 'mutation { IpamIPPrefixCreate(data: {prefix: {value: "192.0.2.0/29"}, member_type: {value: "address"}}) { object { id } } }'))["data"]["IpamIPPrefixCreate"]["object"]["id"]
    await _gql(api, 'mutation { IpamIPAddressCreate(data: {address: {value: "192.0.2.1/32"}}) { ok } }')  # taken
    pool = (await _gql(api, 'mutation { CoreIPAddressPoolCreate(data: {name: {value: "p"}, default_address_type: {value: "IpamIPAddress"}, default_prefix_length: {value: 32}, resources: [{id: "%s"}], ip_namespace: {id: "%s"}}) { object { id } } }' % (prefix, ns)))["data"]["CoreIPAddressPoolCreate"]["object"]["id"]
    for name in ("d1", "d2"):
        await _gql(api, 'mutation { InfraDeviceCreate(data: {name: {value: "%s"}, primary_address: {from_pool: {id: "%s"}}}) { ok } }' % (name, pool))
    devices = await _gql(api, "query { InfraDevice { edges { node { primary_address { node { ... on IpamIPAddress { address { value } } } } } } } }")
    addresses = [e["node"]["primary_address"]["node"]["address"]["value"] for e in devices["data"]["InfraDevice"]["edges"]]
    assert len(set(addresses)) == 2 and "192.0.2.1/32" not in addresses
    assert all(ipaddress.ip_interface(a).ip in ipaddress.ip_network("192.0.2.0/29") for a in addresses)
    query = 'mutation { InfrahubIPAddressPoolGetResource(data: {id: "%s", identifier: "svc-a"}) { ok node { id kind } } }' % pool
    first = (await _gql(api, query))["data"]["InfrahubIPAddressPoolGetResource"]["node"]
    again = (await _gql(api, query))["data"]["InfrahubIPAddressPoolGetResource"]["node"]
    assert first == again and first["kind"] == "IpamIPAddress"
