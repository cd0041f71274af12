"""Revocation (RFC 7009) and introspection (RFC 7662)."""

from typing import Any

import msgspec

from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Invocation
from core.domain.identity.model import UserStatus
from core.domain.identity.tokens import InvalidToken, hash_refresh_token
from core.ports.clock import Clock
from core.ports.oauth import OAuthUnitOfWork
from core.ports.revocation import TokenRevocations
from core.ports.tokens import AccessTokenVerifier


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


class RevokeToken:
    """- Revoking an access token makes every service refuse it until it would have expired.
    - Revoking a refresh token revokes its whole family, so no token derived from it works.
    - A client may revoke only refresh tokens issued to it; first-party logins (no client)
      revoke their own.
    - An unknown, expired or malformed token is answered as if it were revoked (RFC 7009 §2.2).
    - Every revocation is audited."""

    def __init__(
        self,
        uow: OAuthUnitOfWork,
        verifier: AccessTokenVerifier,
        revocations: TokenRevocations,
        clock: Clock,
    ) -> None:
        self._uow, self._verifier, self._revocations, self._clock = uow, verifier, revocations, clock

    async def execute(self, token: str, *, client_id: str | None, by: Invocation) -> None:
        if looks_like_jwt(token):
            await self._revoke_access_token(token, by)
        else:
            await self._revoke_refresh_family(token, client_id, by)

    async def _revoke_access_token(self, token: str, by: Invocation) -> None:
        try:
            claims = await self._verifier.verify(token)
        except InvalidToken:
            return
        await self._revocations.revoke_token(claims.jti, expires_at=claims.exp)
        async with self._uow as uow:
            self._audit(uow, ("access_token", claims.jti), by)
            await uow.commit()

    async def _revoke_refresh_family(self, token: str, client_id: str | None, by: Invocation) -> None:
        async with self._uow as uow:
            stored = await uow.refresh_tokens.get_by_hash(hash_refresh_token(token))
            if stored is None or stored.client_id != client_id:
                return
            if await uow.refresh_tokens.revoke_family(stored.family_id):
                self._audit(uow, ("refresh_token_family", stored.family_id), by)
            await uow.commit()

    def _audit(self, uow: OAuthUnitOfWork, resource: tuple[str, str], by: Invocation) -> None:
        record(
            uow,
            by,
            self._clock.now(),
            Change(
                action="token_revoked",
                resource=Resource(*resource),
                before={"revoked": False},
                after={"revoked": True},
            ),
        )


class IntrospectToken:
    """- Only authenticated service clients whose scopes include `tokens:introspect` may
      introspect (RFC 7662 §4; the endpoint checks that): another client could otherwise test a
      stolen refresh token without tripping its reuse detection.
    - An access token is active while it passes every check a service makes.
    - A refresh token is active while unused, unrevoked, unexpired and its user active.
    - Anything else is ``{"active": false}``, with no reason given (RFC 7662 §2.2)."""

    def __init__(self, uow: OAuthUnitOfWork, verifier: AccessTokenVerifier, clock: Clock) -> None:
        self._uow = uow
        self._verifier = verifier
        self._clock = clock

    async def execute(self, token: str) -> dict[str, Any]:
        if looks_like_jwt(token):
            try:
                claims = await self._verifier.verify(token)
            except InvalidToken:
                return {"active": False}
            fields = {
                name: value for name, value in msgspec.structs.asdict(claims).items() if value is not None
            }
            return {"active": True, "token_type": "access_token", **fields}
        async with self._uow as uow:
            stored = await uow.refresh_tokens.get_by_hash(hash_refresh_token(token))
            user = await uow.users.get(stored.subject) if stored else None
        if stored is None or user is None or user.status is not UserStatus.ACTIVE:
            return {"active": False}
        if not stored.usable_at(self._clock.now()):
            return {"active": False}
        return {
            "active": True,
            "token_type": "refresh_token",
            "scope": stored.scope,
            "sub": stored.subject,
            "client_id": stored.client_id,
            "exp": int(stored.expires_at.timestamp()),
            "iat": int(stored.issued_at.timestamp()),
        }
