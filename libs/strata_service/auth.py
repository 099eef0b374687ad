"""Accounts, passwords, JWTs and API tokens.

Passwords are argon2 hashes stored on CoreAccount objects; API tokens are stored as SHA-256
digests on internal `InternalAccountToken` records (a token is a random 128-bit value, so a
fast digest is enough). JWTs are HS256 with the configured secret.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import jwt
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cachetools import TTLCache
from neo4j import AsyncDriver

from strata_core.errors import StrataError
from strata_core.settings import Settings
from strata_events import AttributeValue, NodeCreated
from strata_eventstore.login_failures import LoginFailures, failure_keys
from strata_graph.records import OPEN
from strata_graph.driver import read_records

__all__ = [
    "ACCOUNT_KIND",
    "TOKEN_KIND",
    "Actor",
    "AuthFailed",
    "LoginThrottled",
    "AuthService",
    "hash_api_token",
    "seed_account_events",
]

ACCOUNT_KIND = "CoreAccount"
TOKEN_KIND = "InternalAccountToken"
ACCESS_TTL_S = 3600
REFRESH_TTL_S = 7 * 86400
# An API token's account is remembered this long: a request would otherwise pay a read of the
# graph before any work (~3 ms, more under load). A deleted token keeps working this long on an
# API replica that saw it, as an access JWT does for its hour.
TOKEN_CACHE_TTL_S = 5.0
_TOKEN_CACHE_SIZE = 4096
_hasher = PasswordHasher()

_FIND_ACCOUNT = """
MATCH (r:Rec {branch: 'main', kind: $kind, to_seq: $open})
WHERE r.deleted = false AND r[$key] = $value
RETURN r.uid AS uid, r.attrs AS attrs LIMIT 1
"""


class AuthFailed(StrataError):
    code = "auth.invalid"


class LoginThrottled(StrataError):
    code = "auth.throttled"


class Actor(msgspec.Struct, frozen=True):
    account_id: str
    name: str


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def seed_account_events(
    name: str, password: str, token: str | None, *, groups: Sequence[str] = ()
) -> list[NodeCreated]:
    """Events creating an admin account (and its API token) for development and tests; the
    account is a member of the account groups `groups`."""
    account_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"strata:account:{name}"))
    events = [
        NodeCreated(
            node_id=account_id,
            kind=ACCOUNT_KIND,
            attributes={
                "name": AttributeValue(value=name),
                # as a create fills an empty label from the name (`admin` -> `Admin`): the
                # account's display label, which `infrahubctl info` shows as the user
                "label": AttributeValue(value=" ".join(word.title() for word in name.split("_"))),
                "password": AttributeValue(value=_hasher.hash(password)),
                "account_type": AttributeValue(value="User"),
                "status": AttributeValue(value="active"),
            },
            relationships={"member_of_groups": list(groups)} if groups else {},
        )
    ]
    if token:
        events.append(
            NodeCreated(
                node_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"strata:token:{hash_api_token(token)}")),
                kind=TOKEN_KIND,
                attributes={
                    "token_hash": AttributeValue(value=hash_api_token(token)),
                    "account": AttributeValue(value=account_id),
                },
            )
        )
    return events


class AuthService:
    def __init__(
        self,
        driver: AsyncDriver,
        settings: Settings,
        failures: LoginFailures | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._driver = driver
        self._failures = failures
        # verified when the account does not exist, so that both answers take as long
        self._decoy_hash = _hasher.hash(uuid.uuid4().hex)
        self._database = settings.neo4j_database
        secret = settings.jwt_secret
        if not secret:
            if settings.environment == "production":
                raise StrataError("STRATA_JWT_SECRET must be set in production")
            secret = hashlib.sha256(f"strata-dev:{settings.data_path}".encode()).hexdigest()
        self._secret = secret
        self._token_actors: TTLCache[str, Actor] = TTLCache(
            maxsize=_TOKEN_CACHE_SIZE, ttl=TOKEN_CACHE_TTL_S, timer=clock
        )

    async def _find(self, kind: str, key: str, value: str) -> tuple[str, dict[str, Any]] | None:
        records = await read_records(
            self._driver, self._database, _FIND_ACCOUNT,
            kind=kind, key=key, value=value, open=OPEN,
        )
        if not records:
            return None
        return records[0]["uid"], msgspec.json.decode(records[0]["attrs"])

    async def login(self, username: str, password: str, client: str = "") -> dict[str, str]:
        """Tokens for a correct password. Failures in a row of the account or of the client
        address make the next attempts wait (LoginFailures); the wait is refused, not slept."""
        keys = failure_keys(username, client)
        if self._failures is not None:
            left = await self._failures.wait_left(keys)
            if left > 0:
                wait = math.ceil(left)
                raise LoginThrottled(f"Too many failed logins: retry in {wait} s", retry_after=wait)
        found = await self._find(ACCOUNT_KIND, "v_name", username)
        uid, attrs = found if found is not None else ("", {})
        stored = str(attrs.get("password", {}).get("value", "")) if found is not None else self._decoy_hash
        try:
            _hasher.verify(stored, password)
            if found is None:
                raise VerificationError("no such account")
        except (VerificationError, InvalidHashError) as exc:
            if self._failures is not None:
                await self._failures.record_failure(keys)
            raise AuthFailed("Incorrect username or password") from exc
        if self._failures is not None:
            await self._failures.clear(keys[0])
        return self._tokens(uid, username)

    def _tokens(self, uid: str, name: str) -> dict[str, str]:
        now = int(time.time())
        session = uuid.uuid4().hex
        access = jwt.encode(
            {"sub": uid, "name": name, "type": "access", "iat": now, "exp": now + ACCESS_TTL_S, "session_id": session},
            self._secret,
            algorithm="HS256",
        )
        refresh = jwt.encode(
            {"sub": uid, "name": name, "type": "refresh", "iat": now, "exp": now + REFRESH_TTL_S, "session_id": session},
            self._secret,
            algorithm="HS256",
        )
        return {"access_token": access, "refresh_token": refresh}

    def _decode(self, token: str, expected_type: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(token, self._secret, algorithms=["HS256"])
        except jwt.PyJWTError as exc:
            raise AuthFailed(f"invalid token: {exc}") from exc
        if claims.get("type") != expected_type:
            raise AuthFailed(f"a {expected_type} token is required")
        return claims

    def refresh(self, refresh_token: str) -> dict[str, str]:
        claims = self._decode(refresh_token, "refresh")
        return {"access_token": self._tokens(claims["sub"], claims.get("name", ""))["access_token"]}

    def actor_from_jwt(self, token: str) -> Actor:
        claims = self._decode(token, "access")
        return Actor(account_id=claims["sub"], name=claims.get("name", ""))

    async def actor_from_api_token(self, token: str) -> Actor:
        """The token's account; a known token is remembered `TOKEN_CACHE_TTL_S`, an unknown one
        is asked about every time (it may have just been created)."""
        digest = hash_api_token(token)
        known = self._token_actors.get(digest)
        if known is not None:
            return known
        found = await self._find(TOKEN_KIND, "v_token_hash", digest)
        if found is None:
            raise AuthFailed("Invalid API token")
        _, attrs = found
        account_id = str(attrs.get("account", {}).get("value", ""))
        actor = Actor(account_id=account_id, name=account_id)
        self._token_actors[digest] = actor
        return actor
