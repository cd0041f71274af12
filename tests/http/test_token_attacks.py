"""Forged, stale and stolen tokens: every service refuses each with 401."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec
import pytest
from joserfc.jwk import ECKey

from adapters.jose.keys import JoseSigningKeys
from adapters.jose.low_s import has_high_s, sign_es256, twin
from apps._shared.settings import PlatformSettings
from apps.services import SERVICES
from core.domain.access import Role
from core.domain.identity.tokens import AccessTokenClaims
from core.ports.tokens import AccessTokenSigner
from tests.http.platform import Clients, running_platform
from tests.support.identity import STRONG_PASSWORD, create_user


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        await create_user(clients["gateway"].app, "ravi@example.com", Role.OPS)
        yield clients


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header), decode(payload), signature


async def login(platform: Clients) -> str:
    response = await platform["gateway"].post(
        "/auth/token",
        data={"grant_type": "password", "username": "ravi@example.com", "password": STRONG_PASSWORD},
    )
    return str(response.json()["access_token"])


async def resigned(platform: Clients, token: str, **changes: Any) -> str:
    """The same token with changed claims, properly signed with the gateway's real key."""
    header, claims, _ = segments(token)
    key = await (await platform["gateway"].app.state.dishka_container.get(JoseSigningKeys)).signing_key()
    return sign_es256(header, {**claims, **changes}, key)


async def alg_none(platform: Clients, token: str) -> str:
    header, claims, _ = segments(token)
    return f"{b64(json.dumps({**header, 'alg': 'none'}).encode())}.{b64(json.dumps(claims).encode())}."


async def hmac_with_public_key(platform: Clients, token: str) -> str:
    header, claims, _ = segments(token)
    jwks = (await platform["gateway"].get("/.well-known/jwks.json")).json()
    public_pem = ECKey.import_key(jwks["keys"][0]).as_pem(private=False)
    signing_input = (
        f"{b64(json.dumps({**header, 'alg': 'HS256'}).encode())}.{b64(json.dumps(claims).encode())}"
    )
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


async def unknown_kid(platform: Clients, token: str) -> str:
    header, claims, _ = segments(token)
    attacker = ECKey.generate_key("P-256", parameters={"kid": "attacker-key"})
    return sign_es256({**header, "kid": "attacker-key"}, claims, attacker)


async def tampered_payload(platform: Clients, token: str) -> str:
    _, claims, signature = segments(token)
    forged = {**claims, "role": "admin", "scope": "users:manage"}
    return f"{token.split('.')[0]}.{b64(json.dumps(forged).encode())}.{signature}"


async def expired(platform: Clients, token: str) -> str:
    now = int(time.time())
    return await resigned(platform, token, iat=now - 3600, nbf=now - 3600, exp=now - 120)


async def not_yet_valid(platform: Clients, token: str) -> str:
    return await resigned(platform, token, nbf=int(time.time()) + 600)


async def wrong_audience(platform: Clients, token: str) -> str:
    return await resigned(platform, token, aud="someone-else")


async def wrong_issuer(platform: Clients, token: str) -> str:
    return await resigned(platform, token, iss="https://evil.example")


async def overlong_lifetime(platform: Clients, token: str) -> str:
    """Signed with the gateway's own key, but valid for a day: not a token the gateway issues."""
    now = int(time.time())
    return await resigned(platform, token, iat=now, nbf=now, exp=now + 86_400)


async def high_s_twin(platform: Clients, token: str) -> str:
    """The same signature's twin (r, n - s): valid ECDSA, but not the one form we accept."""
    return twin(token)


async def revoked(platform: Clients, token: str) -> str:
    await platform["gateway"].post("/auth/revoke", data={"token": token})
    return token


async def garbage(platform: Clients, token: str) -> str:
    return "not.a.jwt"


Attack = Callable[[Clients, str], Any]
ATTACKS: list[Attack] = [
    alg_none,
    hmac_with_public_key,
    unknown_kid,
    tampered_payload,
    expired,
    not_yet_valid,
    wrong_audience,
    wrong_issuer,
    overlong_lifetime,
    high_s_twin,
    revoked,
    garbage,
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.__name__ for attack in ATTACKS])
async def test_every_service_refuses_the_token(platform: Clients, attack: Attack) -> None:
    forged = await attack(platform, await login(platform))
    for service in SERVICES:
        response = await platform[service].get("/v1/whoami", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401, (service, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith('Bearer realm="bhiv", error="invalid_token"')


REASONS: list[tuple[Attack, str]] = [
    (expired, "token expired"),
    (not_yet_valid, "token not yet valid"),
    (wrong_audience, "token for another audience"),
    (wrong_issuer, "token issued by another issuer"),
    (overlong_lifetime, "token lifetime exceeds the maximum"),
    (high_s_twin, "signature not in low-S form"),
]


@pytest.mark.parametrize(("attack", "reason"), REASONS, ids=[attack.__name__ for attack, _ in REASONS])
async def test_the_refusal_says_which_check_failed(platform: Clients, attack: Attack, reason: str) -> None:
    forged = await attack(platform, await login(platform))
    response = await platform["crm"].get("/v1/whoami", headers={"Authorization": f"Bearer {forged}"})
    assert response.headers["www-authenticate"].endswith(f'error_description="{reason}"')


async def test_the_gateway_signs_every_token_with_a_low_s_signature(platform: Clients) -> None:
    """Raw ECDSA makes a high s half the time; 64 low ones by chance would be 1 in 2**64."""
    _, claims, _ = segments(await login(platform))
    signer = await platform["gateway"].app.state.dishka_container.get(AccessTokenSigner)
    tokens = [
        await signer.sign(msgspec.convert({**claims, "jti": f"t{n}"}, AccessTokenClaims)) for n in range(64)
    ]
    assert not any(has_high_s(token) for token in tokens)


async def test_the_untouched_token_is_accepted_so_the_attacks_above_mean_something(platform: Clients) -> None:
    token = await login(platform)
    for service in SERVICES:
        response = await platform[service].get("/v1/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, service


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Bearer "])
async def test_a_missing_or_non_bearer_credential_is_401(platform: Clients, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = await platform["logistics"].get("/v1/whoami", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="bhiv"')
