"""Access-token verification: the same checks in every service (defence in depth)."""

import logging

import msgspec
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import ECKey

from adapters.jose.keys import ALGORITHM
from adapters.jose.low_s import has_high_s
from adapters.jose.public_keys import CachedPublicKeys
from adapters.jose.signer import TOKEN_TYPE
from core.domain.identity.tokens import AccessTokenClaims, InvalidToken, TokenPolicy, unknown_scope_names
from core.ports.clock import Clock
from core.ports.revocation import TokenRevocations

log = logging.getLogger("bhiv.auth")
MAX_TOKEN_BYTES = 8192
VERIFIED_TOKENS = 4096
"""Tokens whose signature is remembered as good (memory: at most 4096 x 8 KiB)."""

# joserfc raises InvalidClaimError for every claim it refuses (its InvalidTokenError is the
# same class), so which claim failed is read from the error, not from its type.
_WRONG_VALUE = {
    "iss": "token issued by another issuer",
    "aud": "token for another audience",
}
_IN_THE_FUTURE = {
    "nbf": "token not yet valid",
    "iat": "token issued in the future",
}


class JoseAccessTokenVerifier:
    def __init__(
        self,
        keys: CachedPublicKeys,
        policy: TokenPolicy,
        revocations: TokenRevocations,
        clock: Clock,
    ) -> None:
        self._keys = keys
        self._policy = policy
        self._revocations = revocations
        self._clock = clock
        self._verified: dict[str, _Verified] = {}
        # One registry, reading the clock at each validation: building one per call was a
        # measurable part of a proxied request.
        self._max_lifetime = (self._policy.access_ttl + self._policy.leeway).total_seconds()
        self._registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self._clock.now().timestamp()),
            leeway=int(self._policy.leeway.total_seconds()),
            iss={"essential": True, "value": self._policy.issuer},
            aud={"essential": True, "value": self._policy.audience},
            sub={"essential": True},
            jti={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nbf={"essential": True},
        )

    async def verify(self, token: str) -> AccessTokenClaims:
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken("token too large")
        verified = await self._signed(token)
        self._validate(verified.raw)
        if verified.claims is None:
            verified.claims = _typed(verified.raw)
            _report_unknown_permissions(verified.claims.scope)
        claims = verified.claims
        if await self._revocations.is_revoked(claims.jti, claims.sub, claims.iat):
            raise InvalidToken("token revoked", stale=True)
        return claims

    async def _signed(self, token: str) -> "_Verified":
        """A token whose signature checks out with a key we still trust. A token verified
        before with the very key the key set still holds is not verified again (the answer
        cannot differ); its claims are validated (time included) and revocations checked on
        every call."""
        seen = self._verified.get(token)
        if seen is not None and await self._keys.find(seen.kid) is seen.key:
            return seen
        header = _header(token)
        # Only our one asymmetric algorithm: no "none", no HMAC keyed with a public key.
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("signing algorithm not allowed")
        if header.get("typ") != TOKEN_TYPE:
            raise InvalidToken("not an access token")
        if has_high_s(token):
            raise InvalidToken("signature not in low-S form")
        kid = header.get("kid")
        key = await self._keys.find(kid) if isinstance(kid, str) and kid else None
        if key is None or not isinstance(kid, str):
            raise InvalidToken("unknown signing key")
        try:
            decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        except BadSignatureError:
            raise InvalidToken("bad signature") from None
        except JoseError:
            raise InvalidToken("malformed token") from None
        if len(self._verified) >= VERIFIED_TOKENS:
            del self._verified[next(iter(self._verified))]  # the oldest
        verified = self._verified[token] = _Verified(kid, key, dict(decoded.claims))
        return verified

    def _validate(self, raw: dict[str, object]) -> None:
        try:
            self._registry.validate(raw)
        except ExpiredTokenError:
            raise InvalidToken("token expired", stale=True) from None
        except MissingClaimError as error:
            raise InvalidToken(f"token lacks required claims: {error.claim.replace(',', ', ')}") from None
        except InvalidClaimError as error:
            raise InvalidToken(_refusal(error, raw), stale=error.claim == "nbf") from None
        # Validly signed but living longer than this platform issues: a key used elsewhere,
        # or a signer misconfigured; either way not a token to honour for that long.
        exp, iat = raw["exp"], raw["iat"]  # numbers, once validated
        if isinstance(exp, int | float) and isinstance(iat, int | float) and exp - iat > self._max_lifetime:
            raise InvalidToken("token lifetime exceeds the maximum")


def _refusal(error: InvalidClaimError, raw: dict[str, object]) -> str:
    if error.claim in _WRONG_VALUE:
        return _WRONG_VALUE[error.claim]
    if error.claim in _IN_THE_FUTURE and _is_number(raw.get(error.claim)):
        return _IN_THE_FUTURE[error.claim]
    return f"claim rejected: {error.description}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Verified:
    """A token whose signature ``key`` verified, its claims, and their typed form once valid."""

    __slots__ = ("claims", "key", "kid", "raw")

    def __init__(self, kid: str, key: ECKey, raw: dict[str, object]) -> None:
        self.kid, self.key, self.raw = kid, key, raw
        self.claims: AccessTokenClaims | None = None


def _typed(raw: dict[str, object]) -> AccessTokenClaims:
    try:
        return msgspec.convert(raw, AccessTokenClaims)
    except msgspec.ValidationError:
        raise InvalidToken("malformed claims") from None


_REPORTED: set[str] = set()


def _report_unknown_permissions(scope: str) -> None:
    """Once per name and process: a newer gateway may grant permissions this service does not
    know yet (a rolling deploy); the token keeps working for those it knows."""
    for name in unknown_scope_names(scope):
        if name not in _REPORTED and len(_REPORTED) < 64:
            _REPORTED.add(name)
            log.warning("token scope names a permission this version does not know: %.64s", name)


def _header(token: str) -> dict[str, object]:
    try:
        return dict(jws.extract_compact(token.encode()).protected)
    except (JoseError, ValueError, UnicodeError):
        raise InvalidToken("malformed token") from None
