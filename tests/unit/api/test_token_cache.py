"""An API token's account is remembered for a few seconds, an unknown token never."""

from __future__ import annotations

from typing import Any

import pytest

from strata_core.settings import Settings
from strata_service.auth import TOKEN_CACHE_TTL_S, AuthFailed, AuthService, hash_api_token


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _CountingAuth(AuthService):
    """The graph read replaced by a table of token digests, counting the reads."""

    def __init__(self, clock: _Clock) -> None:
        super().__init__(None, Settings(environment="test"), clock=clock)  # type: ignore[arg-type]
        self.tokens: dict[str, str] = {}
        self.reads = 0

    async def _find(self, kind: str, key: str, value: str) -> tuple[str, dict[str, Any]] | None:
        self.reads += 1
        account = self.tokens.get(value)
        return None if account is None else ("token-id", {"account": {"value": account}})


async def test_a_known_token_is_read_once_within_the_ttl_and_again_after_it() -> None:
    clock = _Clock()
    auth = _CountingAuth(clock)
    auth.tokens[hash_api_token("t1")] = "account-1"
    assert (await auth.actor_from_api_token("t1")).account_id == "account-1"
    assert (await auth.actor_from_api_token("t1")).account_id == "account-1"
    assert auth.reads == 1
    del auth.tokens[hash_api_token("t1")]  # the token is deleted
    clock.now += TOKEN_CACHE_TTL_S + 0.1
    with pytest.raises(AuthFailed):
        await auth.actor_from_api_token("t1")
    assert auth.reads == 2


async def test_an_unknown_token_is_asked_about_every_time() -> None:
    auth = _CountingAuth(_Clock())
    for _ in range(2):
        with pytest.raises(AuthFailed):
            await auth.actor_from_api_token("nope")
    assert auth.reads == 2
    auth.tokens[hash_api_token("nope")] = "account-2"  # created a moment later
    assert (await auth.actor_from_api_token("nope")).account_id == "account-2"
