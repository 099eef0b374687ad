"""IP address and prefix pools: allocation from a pool's prefixes, from_pool inputs, idempotent
identifiers."""

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
                        "cardinality": "one", "kind": "Attribute"},
                       {"name": "loopbacks", "peer": "IpamIPPrefix", "optional": True,
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


async def test_prefix_pool_gives_the_first_free_sub_prefix(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=IPAM, headers=TOKEN_HEADERS)).status_code == 200
    ns = (await _gql(api, 'query { IpamNamespace(name__value: "default") { edges { node { id } } } }'))["data"]["IpamNamespace"]["edges"][0]["node"]["id"]
    container = (await _gql(api, 'mutation { IpamIPPrefixCreate(data: {prefix: {value: "10.0.0.0/24"}, member_type: {value: "prefix"}}) { object { id } } }'))["data"]["IpamIPPrefixCreate"]["object"]["id"]
    await _gql(api, 'mutation { IpamIPPrefixCreate(data: {prefix: {value: "10.0.0.0/26"}}) { ok } }')  # taken
    await _gql(api, 'mutation { IpamIPPrefixCreate(data: {prefix: {value: "10.0.0.72/29"}}) { ok } }')  # in the way of a /26
    pool = (await _gql(api, 'mutation { CoreIPPrefixPoolCreate(data: {name: {value: "p"}, default_prefix_length: {value: 26}, default_prefix_type: {value: "IpamIPPrefix"}, resources: [{id: "%s"}], ip_namespace: {id: "%s"}}) { object { id } } }' % (container, ns)))["data"]["CoreIPPrefixPoolCreate"]["object"]["id"]

    query = 'mutation { InfrahubIPPrefixPoolGetResource(data: {id: "%s", identifier: "%s"%s}) { ok node { id kind display_label } } }'
    first = (await _gql(api, query % (pool, "svc-a", "")))["data"]["InfrahubIPPrefixPoolGetResource"]["node"]
    assert first["kind"] == "IpamIPPrefix" and first["display_label"] == "10.0.0.128/26"
    again = (await _gql(api, query % (pool, "svc-a", "")))["data"]["InfrahubIPPrefixPoolGetResource"]["node"]
    assert again == first  # the same identifier: the same prefix
    small = (await _gql(api, query % (pool, "svc-b", ", prefix_length: 29")))["data"]["InfrahubIPPrefixPoolGetResource"]["node"]
    assert small["display_label"] == "10.0.0.64/29"  # before the /29 in the way
    await _gql(api, 'mutation { InfraDeviceCreate(data: {name: {value: "r1"}, loopbacks: {from_pool: {id: "%s"}}}) { ok } }' % pool)
    device = await _gql(api, 'query { InfraDevice { edges { node { loopbacks { node { display_label ip_namespace { node { id } } } } } } } }')
    loopback = device["data"]["InfraDevice"]["edges"][0]["node"]["loopbacks"]["node"]
    assert loopback["display_label"] == "10.0.0.192/26" and loopback["ip_namespace"]["node"]["id"] == ns

    allocated = await _gql(api, 'query { InfrahubResourcePoolAllocated(pool_id: "%s", resource_id: "%s", offset: 1, limit: 3) '
                                '{ count edges { node { display_label kind branch identifier } } } }' % (pool, container))  # fmt: skip
    page = allocated["data"]["InfrahubResourcePoolAllocated"]
    assert page["count"] == 5  # every prefix inside the resource, the one made by hand too
    assert [(e["node"]["display_label"], e["node"]["identifier"]) for e in page["edges"]] == [
        ("10.0.0.64/29", "svc-b"), ("10.0.0.72/29", None), ("10.0.0.128/26", "svc-a")]  # fmt: skip
    assert {e["node"]["branch"] for e in page["edges"]} == {"main"}
    use = 'query { InfrahubResourcePoolUtilization(pool_id: "%s") { count utilization utilization_default_branch utilization_branches edges { node { id weight utilization utilization_branches } } } }' % pool
    on_main = (await _gql(api, use))["data"]["InfrahubResourcePoolUtilization"]
    assert on_main["count"] == 1 and on_main["edges"][0]["node"]["id"] == container
    assert on_main["edges"][0]["node"]["weight"] == 256
    assert on_main["utilization"] == on_main["utilization_default_branch"] == 100.0 * (64 + 8 + 8 + 64 + 64) / 256
    assert on_main["utilization_branches"] == 0.0
    assert "errors" not in await _gql(api, 'mutation { BranchCreate(data: {name: "more"}) { ok } }')
    taken = (await api.post("/graphql/more", headers=TOKEN_HEADERS, json={"query": query % (pool, "svc-x", ", prefix_length: 29")})).json()
    assert "errors" not in taken, taken
    on_branch = (await api.post("/graphql/more", headers=TOKEN_HEADERS, json={"query": use})).json()["data"]["InfrahubResourcePoolUtilization"]
    assert on_branch["utilization_default_branch"] == on_main["utilization"]  # main has not changed
    assert on_branch["utilization_branches"] == 100.0 * 8 / 256  # the /29 the branch took
    assert on_branch["utilization"] == on_main["utilization"] + on_branch["utilization_branches"]

    not_a_resource = (await api.post("/graphql/main", headers=TOKEN_HEADERS, json={"query": 'query { InfrahubResourcePoolAllocated('
                      'pool_id: "%s", resource_id: "%s") { count } }' % (pool, ns)})).json()  # fmt: skip
    assert not_a_resource["errors"][0]["message"].startswith("resource_id:")

    full = (await api.post("/graphql/main", json={"query": query % (pool, "svc-c", "")}, headers=TOKEN_HEADERS)).json()
    assert full["errors"][0]["message"] == f"pool {pool}: no free /26 left in its prefixes"
    wrong = (await api.post("/graphql/main", json={"query": query % (container, "x", "")}, headers=TOKEN_HEADERS)).json()
    assert wrong["errors"][0]["message"].startswith(f"id: {container} is not an IP prefix pool")
    count = await _gql(api, "query { IpamIPPrefix { count } }")
    assert count["data"]["IpamIPPrefix"]["count"] == 6  # 3 made, 3 allocated: the refusals made none


async def test_next_available_prefix_and_address_allocate_nothing(api: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await api.post("/api/schema/load?branch=main", json=IPAM, headers=TOKEN_HEADERS)).status_code == 200
    made = await _gql(api, 'mutation { IpamIPPrefixCreate(data: {prefix: {value: "10.1.0.0/24"}}) { object { id } } }')
    prefix = made["data"]["IpamIPPrefixCreate"]["object"]["id"]
    await _gql(api, 'mutation { IpamIPPrefixCreate(data: {prefix: {value: "10.1.0.0/25"}}) { ok } }')
    await _gql(api, 'mutation { IpamIPAddressCreate(data: {address: {value: "10.1.0.1/24"}}) { ok } }')
    query = ('query { InfrahubIPPrefixGetNextAvailable(prefix_id: "%s", prefix_length: 26) { prefix } '
             'InfrahubIPAddressGetNextAvailable(prefix_id: "%s") { address } }') % (prefix, prefix)  # fmt: skip
    for _ in range(2):  # asked twice, the same answer: nothing was taken
        answer = (await _gql(api, query))["data"]
        assert answer["InfrahubIPPrefixGetNextAvailable"] == {"prefix": "10.1.0.128/26"}
        assert answer["InfrahubIPAddressGetNextAvailable"] == {"address": "10.1.0.2/24"}
    masks = 'query { IpamIPPrefix(ids: ["%s"]) { edges { node { netmask { value } hostmask { value } network_address { value } broadcast_address { value } } } } }' % prefix
    node = (await _gql(api, masks))["data"]["IpamIPPrefix"]["edges"][0]["node"]
    assert {k: v["value"] for k, v in node.items()} == {"netmask": "255.255.255.0", "hostmask": "0.0.0.255",
                                                        "network_address": "10.1.0.0", "broadcast_address": "10.1.0.255"}  # fmt: skip
    await _gql(api, 'mutation { IpamIPPrefixUpdate(data: {id: "%s", prefix: {value: "10.1.0.0/23"}}) { ok } }' % prefix)
    node = (await _gql(api, masks))["data"]["IpamIPPrefix"]["edges"][0]["node"]
    assert (node["netmask"]["value"], node["broadcast_address"]["value"]) == ("255.255.254.0", "10.1.1.255")
    v6 = await _gql(api, 'mutation { IpamIPPrefixCreate(data: {prefix: {value: "2001:db8::/64"}}) { object { hostmask { value } broadcast_address { value } } } }')
    assert v6["data"]["IpamIPPrefixCreate"]["object"] == {"hostmask": {"value": "::ffff:ffff:ffff:ffff"},
                                                          "broadcast_address": {"value": "2001:db8::ffff:ffff:ffff:ffff"}}  # fmt: skip

    unknown = (await api.post("/graphql/main", headers=TOKEN_HEADERS, json={
        "query": 'query { InfrahubIPAddressGetNextAvailable(prefix_id: "nope") { address } }'})).json()
    assert unknown["errors"][0]["message"] == "prefix_id: 'nope' is not an IP prefix on this branch"
