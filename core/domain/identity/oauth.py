"""OAuth 2.0 grants (RFC 6749), revocation (RFC 7009) and introspection (RFC 7662).

Each rule is in the docstring of the class that enforces it; controllers only translate.
"""

import math
import secrets
from datetime import datetime

import msgspec

from core.domain.access import ApiKeyLimits, Permission, PrincipalKind, Role, permissions_for
from core.domain.errors import DomainError
from core.domain.identity.model import User
from core.domain.identity.tokens import (
    AccessTokenClaims,
    RefreshToken,
    TokenPolicy,
    format_scope,
    hash_refresh_token,
    parse_scope,
)
from core.ports.clock import Clock, IdGenerator
from core.ports.tokens import AccessTokenSigner


class OAuthError(DomainError):
    """An error answered in RFC 6749 §5.2 form; ``code`` is the RFC's error code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def invalid_grant(detail: str = "the grant is invalid, expired or revoked") -> OAuthError:
    return OAuthError("invalid_grant", detail)


class TokenResponse(msgspec.Struct, frozen=True, kw_only=True):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the RFC 6750 token type, not a secret)
    expires_in: int
    scope: str
    refresh_token: str | None = None


def granted_scope(
    role: Role,
    requested: str | None,
    ceiling: frozenset[Permission] | None = None,
    kind: PrincipalKind = "user",
) -> str:
    """What a token may do: the requested scope, which must lie within the role (and ceiling).
    A grant that would allow nothing is refused: an empty scope never means "the whole role"."""
    try:
        wanted = parse_scope(requested)
    except ValueError as error:
        raise OAuthError("invalid_scope", str(error)) from None
    allowed = permissions_for(role, ceiling, kind)
    if wanted is not None and not wanted <= allowed:
        extra = format_scope(frozenset(wanted - allowed))
        raise OAuthError("invalid_scope", f"not allowed for this account: {extra}")
    granted = allowed if wanted is None else wanted
    if not granted:
        raise OAuthError("invalid_scope", "this account may be granted no permission")
    return format_scope(granted)


class TokenIssuer:
    """- Access tokens live ``policy.access_ttl``; each has a unique ``jti``.
    - ``iat`` is the instant the grant was decided (to the microsecond), inside the transaction
      that decided it with the user's row locked: a revocation that comes after the decision is
      always later than ``iat``, however late the token is signed, and one that came before is
      always earlier (tokens issued before a subject's revocation instant are refused).
    - Refresh tokens are 256-bit random secrets; only their SHA-256 is stored."""

    def __init__(
        self, signer: AccessTokenSigner, clock: Clock, ids: IdGenerator, policy: TokenPolicy
    ) -> None:
        self._signer = signer
        self._clock = clock
        self._ids = ids
        self.policy = policy

    async def access_token(
        self,
        *,
        subject: str,
        kind: PrincipalKind,
        role: Role,
        scope: str,
        customer_id: str | None,
        decided_at: datetime | None = None,
        api_key_id: str | None = None,
        api_key_limits: ApiKeyLimits | None = None,
    ) -> tuple[str, AccessTokenClaims]:
        issued = round((decided_at or self._clock.now()).timestamp(), 6)
        claims = AccessTokenClaims(
            iss=self.policy.issuer,
            aud=self.policy.audience,
            sub=subject,
            iat=issued,
            nbf=math.floor(issued),
            exp=math.floor(issued) + int(self.policy.access_ttl.total_seconds()),
            jti=self._ids.new_id(),
            role=role,
            scope=scope,
            kind=kind,
            customer_id=customer_id,
            akid=api_key_id,
            akl=api_key_limits,
        )
        return await self._signer.sign(claims), claims

    async def user_access_token(self, user: User, scope: str, decided_at: datetime) -> str:
        """The access token of a user's session, decided at ``decided_at`` (its refresh token's
        ``issued_at``)."""
        access, _ = await self.access_token(
            subject=user.id,
            kind="user",
            role=user.role,
            scope=scope,
            customer_id=user.customer_id,
            decided_at=decided_at,
        )
        return access

    def refresh_token(
        self, *, subject: str, client_id: str | None, scope: str, family_id: str | None = None
    ) -> tuple[str, RefreshToken]:
        secret = secrets.token_urlsafe(32)
        now = self._clock.now()
        token_id = self._ids.new_id()
        token = RefreshToken(
            id=token_id,
            family_id=family_id or token_id,
            token_hash=hash_refresh_token(secret),
            subject=subject,
            client_id=client_id,
            scope=scope,
            issued_at=now,
            expires_at=now + self.policy.refresh_ttl,
        )
        return secret, token

    def response(self, access: str, scope: str, refresh: str | None = None) -> TokenResponse:
        return TokenResponse(
            access_token=access,
            expires_in=int(self.policy.access_ttl.total_seconds()),
            scope=scope,
            refresh_token=refresh,
        )
