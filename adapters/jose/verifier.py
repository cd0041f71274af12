"""Access-token verification: the same checks in every service (defence in depth)."""

from typing import Protocol

import msgspec
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidTokenError,
    JoseError,
    MissingClaimError,
)

from adapters.jose.keys import ALGORITHM
from adapters.jose.public_keys import CachedPublicKeys
from adapters.jose.signer import TOKEN_TYPE
from core.domain.identity.denylist import TokenDenylist
from core.domain.identity.tokens import AccessTokenClaims, InvalidToken, TokenPolicy
from core.ports.clock import Clock

MAX_TOKEN_BYTES = 8192


class RevokedSubjects(Protocol):
    async def revoked_before(self, subject: str) -> float | None: ...


class JoseAccessTokenVerifier:
    def __init__(
        self,
        keys: CachedPublicKeys,
        policy: TokenPolicy,
        denylist: TokenDenylist,
        subjects: RevokedSubjects,
        clock: Clock,
    ) -> None:
        self._keys = keys
        self._policy = policy
        self._denylist = denylist
        self._subjects = subjects
        self._clock = clock

    async def verify(self, token: str) -> AccessTokenClaims:
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken("token too large")
        header = _header(token)
        # Only our one asymmetric algorithm: no "none", no HMAC keyed with a public key.
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("signing algorithm not allowed")
        if header.get("typ") != TOKEN_TYPE:
            raise InvalidToken("not an access token")
        kid = header.get("kid")
        key = await self._keys.find(kid) if isinstance(kid, str) and kid else None
        if key is None:
            raise InvalidToken("unknown signing key")
        try:
            decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        except BadSignatureError:
            raise InvalidToken("bad signature") from None
        except JoseError:
            raise InvalidToken("malformed token") from None
        claims = self._validated(decoded.claims)
        if await self._denylist.is_revoked(claims.jti):
            raise InvalidToken("token revoked")
        revoked_before = await self._subjects.revoked_before(claims.sub)
        if revoked_before is not None and claims.iat <= revoked_before:
            raise InvalidToken("token revoked")
        return claims

    def _validated(self, raw: dict[str, object]) -> AccessTokenClaims:
        registry = jwt.JWTClaimsRegistry(
            now=int(self._clock.now().timestamp()),
            leeway=int(self._policy.leeway.total_seconds()),
            iss={"essential": True, "value": self._policy.issuer},
            aud={"essential": True, "value": self._policy.audience},
            sub={"essential": True},
            jti={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nbf={"essential": True},
        )
        try:
            registry.validate(raw)
        except ExpiredTokenError:
            raise InvalidToken("token expired") from None
        except InvalidTokenError:
            raise InvalidToken("token not yet valid") from None
        except (InvalidClaimError, MissingClaimError) as error:
            raise InvalidToken(f"claim rejected: {error.description}") from None
        try:
            return msgspec.convert(raw, AccessTokenClaims)
        except msgspec.ValidationError:
            raise InvalidToken("malformed claims") from None


def _header(token: str) -> dict[str, object]:
    try:
        return dict(jws.extract_compact(token.encode()).protected)
    except (JoseError, ValueError, UnicodeError):
        raise InvalidToken("malformed token") from None
