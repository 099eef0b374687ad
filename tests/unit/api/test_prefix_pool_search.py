"""The prefix pool's search for a free sub-prefix equals the plain walk over every candidate."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from strata_api.ip_prefix_pools import Network, first_free_subnet

CONTAINER = ipaddress.ip_network("10.0.0.0/24")


def _walk(container: Network, length: int, held: list[Network]) -> Network | None:
    inside = [n for n in held if n != container and n.subnet_of(container)]  # type: ignore[arg-type]
    for candidate in container.subnets(new_prefix=length):
        if not any(candidate.overlaps(n) for n in inside):
            return candidate
    return None


_prefixes = st.builds(lambda length, offset: ipaddress.ip_network((167772160 + offset, length), strict=False),
                      st.integers(22, 32), st.integers(0, 511))  # fmt: skip  # around the container, some outside


@settings(max_examples=400, deadline=None)
@given(st.integers(25, 32), st.lists(_prefixes, max_size=12))
def test_the_search_equals_the_walk(length: int, held: list[Network]) -> None:
    assert first_free_subnet(CONTAINER, length, held) == _walk(CONTAINER, length, held)


def test_v6_and_lengths_that_cannot_fit() -> None:
    container = ipaddress.ip_network("2001:db8::/48")
    held: list[Network] = [ipaddress.ip_network("2001:db8::/64"), ipaddress.ip_network("2001:db8:0:1::/64")]
    assert first_free_subnet(container, 64, held) == ipaddress.ip_network("2001:db8:0:2::/64")
    assert first_free_subnet(container, 48, held) is None  # not inside: the container itself
    assert first_free_subnet(CONTAINER, 33, []) is None
    assert first_free_subnet(CONTAINER, 24, []) is None  # a pool gives sub-prefixes, never its own prefix
    assert first_free_subnet(CONTAINER, 25, [ipaddress.ip_network("10.0.0.0/25"), ipaddress.ip_network("10.0.0.128/26")]) is None
