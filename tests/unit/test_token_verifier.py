"""What the verifier refuses, and why it says so. A token whose signature was checked once is
not checked again, but nothing else is skipped: expiry and revocation are read on every call,
and a key taken out of the key set is not trusted."""

from typing import Any

import msgspec
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from adapters.jose.keys import ALGORITHM
from adapters.jose.low_s import has_high_s, sign_es256, twin
from adapters.jose.public_keys import CachedPublicKeys
from adapters.jose.revocations import KvTokenRevocations
from adapters.jose.signer import TOKEN_TYPE
from adapters.jose.verifier import JoseAccessTokenVerifier
from adapters.memory.kv import MemoryKeyValueStore
from adapters.system.clock import Uuid7IdGenerator
from core.domain.access import Permission, Role
from core.domain.identity.oauth import TokenIssuer
from core.domain.identity.tokens import AccessTokenClaims, InvalidToken, TokenPolicy
from tests.support.fake_clock import FakeClock

POLICY = TokenPolicy(issuer="bhiv", audience="bhiv-api")


class Keys:
    def __init__(self) -> None:
        self.private = ECKey.generate_key("P-256", parameters={"kid": "k1"})
        self.published = True

    async def fetch(self) -> dict[str, Any]:
        return {"keys": [self.private.as_dict(private=False)] if self.published else []}


def sign(key: ECKey, now: int, jti: str = "t1", **changes: object) -> str:
    """Signed with a low-S signature, as the platform's signer makes them; ``None`` drops a claim."""
    claims = {"iss": "bhiv", "aud": "bhiv-api", "sub": "u1", "exp": now + 600, "iat": now, "nbf": now}
    claims |= {"jti": jti, "role": "admin", "scope": "", "kind": "user"} | changes
    present = {name: value for name, value in claims.items() if value is not None}
    return sign_es256({"alg": ALGORITHM, "kid": "k1", "typ": TOKEN_TYPE}, present, key)


def setup() -> tuple[Keys, CachedPublicKeys, MemoryKeyValueStore, FakeClock, JoseAccessTokenVerifier]:
    keys, kv, clock = Keys(), MemoryKeyValueStore(), FakeClock()
    public = CachedPublicKeys(keys.fetch, max_age_seconds=300, min_refetch_seconds=0.0)
    verifier = JoseAccessTokenVerifier(public, POLICY, KvTokenRevocations(kv, clock, POLICY), clock)
    return keys, public, kv, clock, verifier


async def test_a_verified_token_is_still_refused_once_revoked_or_expired() -> None:
    keys, _, kv, clock, verifier = setup()
    now = int(clock.now().timestamp())
    token = sign(keys.private, now)
    assert (await verifier.verify(token)).jti == "t1"

    await KvTokenRevocations(kv, clock, POLICY).revoke_token("t1", expires_at=now + 600)
    with pytest.raises(InvalidToken, match="revoked"):
        await verifier.verify(token)

    other = sign(keys.private, now, jti="t2")
    assert (await verifier.verify(other)).jti == "t2"
    clock.advance(1)
    await KvTokenRevocations(kv, clock, POLICY).revoke_subject("u1")
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


class OwnKeySigner:
    """Signs with the test's own key, as the gateway's signer does with its current key."""

    def __init__(self, key: ECKey) -> None:
        self._key = key

    async def sign(self, claims: AccessTokenClaims) -> str:
        header = {"alg": ALGORITHM, "kid": "k1", "typ": TOKEN_TYPE}
        return sign_es256(header, msgspec.structs.asdict(claims), self._key)


async def test_a_token_issued_in_the_same_second_as_a_revocation_but_after_it_works() -> None:
    keys, _, kv, clock, verifier = setup()
    clock.advance(0.4)  # revocations happen at any fraction of a second
    revocations = KvTokenRevocations(kv, clock, POLICY)
    issuer = TokenIssuer(OwnKeySigner(keys.private), clock, Uuid7IdGenerator(), POLICY)
    before, _ = await issuer.access_token(
        subject="u1", kind="user", role=Role.OPS, scope="crm:read", customer_id=None
    )

    clock.advance(0.2)
    await revocations.revoke_subject("u1")
    clock.advance(0.2)
    after, claims = await issuer.access_token(
        subject="u1", kind="user", role=Role.OPS, scope="crm:read", customer_id=None
    )

    with pytest.raises(InvalidToken, match="revoked"):
        await verifier.verify(before)
    assert (await verifier.verify(after)).jti == claims.jti
    assert claims.iat == clock.now().timestamp(), "to the microsecond, not the second"


async def test_an_empty_scope_allows_nothing_and_it_never_means_the_whole_role() -> None:
    keys, _, _, clock, verifier = setup()

    claims = await verifier.verify(sign(keys.private, int(clock.now().timestamp())))

    assert claims.role == "admin"
    assert claims.principal().permissions == frozenset()


async def test_a_permission_this_version_does_not_know_is_ignored_not_a_failure() -> None:
    keys, _, _, clock, verifier = setup()
    token = sign(keys.private, int(clock.now().timestamp()), scope="crm:read reports:export")

    principal = (await verifier.verify(token)).principal()

    assert principal.permissions == {Permission.CRM_READ}


NOW = int(FakeClock().now().timestamp())
CLAIM_CASES = [
    ({"iss": "https://evil.example"}, "token issued by another issuer"),
    ({"aud": "someone-else"}, "token for another audience"),
    ({"aud": ["someone-else", "another"]}, "token for another audience"),
    ({"iat": NOW - 900, "nbf": NOW - 900, "exp": NOW - 120}, "token expired"),
    ({"nbf": NOW + 600}, "token not yet valid"),
    ({"iat": NOW + 600, "exp": NOW + 900}, "token issued in the future"),
    ({"exp": "tomorrow"}, "claim rejected: Claim 'exp' must be a NumericDate value"),
    ({"nbf": "soon"}, "claim rejected: Claim 'nbf' must be a NumericDate value"),
    ({"sub": None, "jti": None}, "token lacks required claims: jti, sub"),
]


@pytest.mark.parametrize(("changes", "reason"), CLAIM_CASES, ids=[str(case[0]) for case in CLAIM_CASES])
async def test_each_refused_claim_is_named_for_what_it_is(changes: dict[str, object], reason: str) -> None:
    keys, _, _, clock, verifier = setup()
    assert int(clock.now().timestamp()) == NOW

    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(sign(keys.private, NOW, **changes))

    assert refused.value.detail == reason


async def test_a_validly_signed_token_living_longer_than_the_maximum_is_refused() -> None:
    """The maximum is the configured access-token lifetime plus the leeway (15 min + 30 s)."""
    keys, _, _, clock, verifier = setup()
    now = int(clock.now().timestamp())
    longest = int((POLICY.access_ttl + POLICY.leeway).total_seconds())
    assert (await verifier.verify(sign(keys.private, now, exp=now + longest))).exp == now + longest

    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(sign(keys.private, now, jti="t2", exp=now + longest + 1))

    assert refused.value.detail == "token lifetime exceeds the maximum"


async def test_the_high_s_twin_of_a_valid_signature_is_refused() -> None:
    """(r, n - s) verifies under plain ECDSA as well as (r, s): without this check anyone
    holding a token could mint a second token string with the same claims."""
    keys, _, _, clock, verifier = setup()
    token = sign(keys.private, int(clock.now().timestamp()))
    high = twin(token)
    assert not has_high_s(token)
    assert has_high_s(high)
    assert jwt.decode(high, keys.private, algorithms=[ALGORITHM]).claims["jti"] == "t1", "a real twin"

    assert (await verifier.verify(token)).jti == "t1"
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(high)

    assert refused.value.detail == "signature not in low-S form"


def test_signatures_are_made_in_low_s_form() -> None:
    """The signer signs with ``sign_es256``. Half of raw ECDSA signatures have a high s: 64 low
    ones by chance would be 1 in 2**64."""
    key = ECKey.generate_key("P-256", parameters={"kid": "k1"})
    tokens = [sign(key, NOW, jti=f"t{n}") for n in range(64)]

    assert not any(has_high_s(token) for token in tokens)
    assert all(jwt.decode(token, key, algorithms=[ALGORITHM]) for token in tokens), "and still valid"
