"""A token whose signature was checked once is not checked again, but nothing else is skipped:
expiry and revocation are read on every call, and a key taken out of the key set is not trusted."""

from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from adapters.jose.keys import ALGORITHM
from adapters.jose.public_keys import CachedPublicKeys
from adapters.jose.signer import TOKEN_TYPE
from adapters.jose.verifier import JoseAccessTokenVerifier
from adapters.memory.kv import MemoryKeyValueStore
from core.domain.identity.denylist import TokenDenylist
from core.domain.identity.revocation import KvSubjectRevocations, TokenRevocationCheck
from core.domain.identity.tokens import InvalidToken, TokenPolicy
from tests.support.fake_clock import FakeClock

POLICY = TokenPolicy(issuer="bhiv", audience="bhiv-api")


class Keys:
    def __init__(self) -> None:
        self.private = ECKey.generate_key("P-256", parameters={"kid": "k1"})
        self.published = True

    async def fetch(self) -> dict[str, Any]:
        return {"keys": [self.private.as_dict(private=False)] if self.published else []}


def sign(key: ECKey, now: int, jti: str = "t1") -> str:
    claims = {"iss": "bhiv", "aud": "bhiv-api", "sub": "u1", "exp": now + 600, "iat": now, "nbf": now}
    claims |= {"jti": jti, "role": "admin", "scope": "", "kind": "user"}
    return jwt.encode({"alg": ALGORITHM, "kid": "k1", "typ": TOKEN_TYPE}, claims, key, algorithms=[ALGORITHM])


def setup() -> tuple[Keys, CachedPublicKeys, MemoryKeyValueStore, FakeClock, JoseAccessTokenVerifier]:
    keys, kv, clock = Keys(), MemoryKeyValueStore(), FakeClock()
    public = CachedPublicKeys(keys.fetch, max_age_seconds=300, min_refetch_seconds=0.0)
    verifier = JoseAccessTokenVerifier(public, POLICY, TokenRevocationCheck(kv), clock)
    return keys, public, kv, clock, verifier


async def test_a_verified_token_is_still_refused_once_revoked_or_expired() -> None:
    keys, _, kv, clock, verifier = setup()
    now = int(clock.now().timestamp())
    token = sign(keys.private, now)
    assert (await verifier.verify(token)).jti == "t1"

    await TokenDenylist(kv, clock).revoke("t1", expires_at=now + 600)
    with pytest.raises(InvalidToken, match="revoked"):
        await verifier.verify(token)

    other = sign(keys.private, now, jti="t2")
    assert (await verifier.verify(other)).jti == "t2"
    clock.advance(1)
    await KvSubjectRevocations(kv, clock).revoke_all("u1")
    with pytest.raises(InvalidToken, match="revoked"):
        await verifier.verify(other)

    clock.advance(1)
    third = sign(keys.private, int(clock.now().timestamp()), jti="t3")
    assert (await verifier.verify(third)).jti == "t3"
    clock.advance(3600)
    with pytest.raises(InvalidToken, match="expired"):
        await verifier.verify(third)


async def test_a_token_verified_before_is_refused_once_its_key_is_withdrawn() -> None:
    keys, public, _, clock, verifier = setup()
    token = sign(keys.private, int(clock.now().timestamp()))
    await verifier.verify(token)

    keys.published = False
    public._fetched_at = float("-inf")  # the next read re-fetches the key set

    with pytest.raises(InvalidToken, match="unknown signing key"):
        await verifier.verify(token)


async def test_a_tampered_copy_of_a_verified_token_is_refused() -> None:
    keys, _, _, clock, verifier = setup()
    token = sign(keys.private, int(clock.now().timestamp()))
    await verifier.verify(token)
    header, payload, signature = token.split(".")

    with pytest.raises(InvalidToken):
        await verifier.verify(f"{header}.{payload}.{signature[:-4]}AAAA")
