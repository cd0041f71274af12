"""The three OAuth 2.0 grants (RFC 6749 §4.3, §4.4, §6)."""

import msgspec

from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Actor, Invocation
from core.domain.identity.model import User, UserStatus
from core.domain.identity.oauth import TokenIssuer, TokenResponse, granted_scope, invalid_grant
from core.domain.identity.tokens import hash_refresh_token, token_scope
from core.domain.identity.use_cases.clients import AuthenticateClient
from core.domain.identity.use_cases.login import AuthenticateUser
from core.ports.clock import Clock
from core.ports.oauth import OAuthUnitOfWork
from core.ports.revocation import TokenRevocations


class PasswordGrant:
    """- A user signs in with email and password; first-party apps need no client credentials.
    - The tokens carry the user's role; a requested scope must lie within the role's permissions.
    - Each sign-in starts a new refresh-token family, bound to the client that asked (if any),
      stored in the sign-in's own transaction."""

    def __init__(self, authenticate: AuthenticateUser, issuer: TokenIssuer) -> None:
        self._authenticate, self._issuer = authenticate, issuer

    async def execute(
        self, email: str, password: str, *, scope: str | None, client_id: str | None, by: Invocation
    ) -> TokenResponse:
        issued: list[TokenResponse] = []

        async def start_session(uow: OAuthUnitOfWork, user: User) -> None:
            """Decided, stored and signed with the user's row locked; committed with the sign-in."""
            granted = granted_scope(user.role, scope)
            secret, refresh = self._issuer.refresh_token(subject=user.id, client_id=client_id, scope=granted)
            await uow.refresh_tokens.add(refresh)
            access = await self._issuer.user_access_token(user, granted, decided_at=refresh.issued_at)
            issued.append(self._issuer.response(access, granted, secret))

        await self._authenticate.execute(email, password, by, on_success=start_session)
        return issued[0]


class ClientCredentialsGrant:
    """- A service client authenticates with its client_id and secret and gets an access token
      (no refresh token: it can always authenticate again).
    - The token's scope lies within the client's own scopes, which lie within its role.
    - Every token issued is audited (which client, which scope)."""

    def __init__(
        self, authenticate: AuthenticateClient, issuer: TokenIssuer, uow: OAuthUnitOfWork, clock: Clock
    ) -> None:
        self._authenticate, self._issuer, self._uow, self._clock = authenticate, issuer, uow, clock

    async def execute(
        self, client_id: str, secret: str, *, scope: str | None, by: Invocation
    ) -> TokenResponse:
        client = await self._authenticate.execute(client_id, secret, by)
        granted = granted_scope(client.role, scope, ceiling=client.scopes, kind="client")
        access, claims = await self._issuer.access_token(
            subject=client.client_id, kind="client", role=client.role, scope=granted, customer_id=None
        )
        as_client = msgspec.structs.replace(
            by, actor=Actor(id=client.client_id, kind="client", role=client.role)
        )
        async with self._uow as uow:
            record(
                uow,
                as_client,
                self._clock.now(),
                Change(
                    action="token_issued",
                    resource=Resource("service_client", client.id),
                    before=None,
                    after={"scope": granted, "jti": claims.jti},
                ),
            )
            await uow.commit()
        return self._issuer.response(access, granted)


class RefreshGrant:
    """- A refresh token works once: it is exchanged for a new access token and a new refresh
      token of the same family.
    - Presenting a refresh token that was already used revokes its whole family (reuse means a
      copy was stolen) and is refused; the reuse is audited.
    - An expired or revoked refresh token, one issued to another client, or one of a user who
      is no longer active is refused with ``invalid_grant``.
    - A refresh token issued before its user's tokens were all revoked (password reset or
      change, role change, disable, sign-out everywhere) is refused, whatever its family's state.
    - The new tokens keep the old scope, or a narrower one when asked."""

    def __init__(
        self, uow: OAuthUnitOfWork, issuer: TokenIssuer, clock: Clock, revocations: TokenRevocations
    ) -> None:
        self._uow, self._issuer, self._clock, self._revocations = uow, issuer, clock, revocations

    async def execute(
        self, presented: str, *, client_id: str | None, scope: str | None, by: Invocation
    ) -> TokenResponse:
        token_hash = hash_refresh_token(presented)
        async with self._uow as uow:
            found = await uow.refresh_tokens.get_by_hash(token_hash, lock=False)
            if found is None or found.client_id != client_id:
                raise invalid_grant()
            # The user's row first, then the token's: the order every change to a user keeps.
            user = await uow.users.get(found.subject, lock=True)
            stored = await uow.refresh_tokens.get_by_hash(token_hash)
            if stored is None:
                raise invalid_grant()
            if stored.used_at is not None and stored.revoked_at is None:
                await uow.refresh_tokens.revoke_family(stored.family_id)
                record(
                    uow,
                    by,
                    self._clock.now(),
                    Change(
                        action="refresh_token_reused",
                        resource=Resource("refresh_token_family", stored.family_id),
                        before={"revoked": False},
                        after={"revoked": True},
                    ),
                )
                await uow.commit()
                raise invalid_grant()
            if not stored.usable_at(self._clock.now()):
                raise invalid_grant()
            if user is None or user.status is not UserStatus.ACTIVE:
                raise invalid_grant()
            revoked_at = await self._revocations.revoked_before(user.id)
            if revoked_at is not None and stored.issued_at.timestamp() < revoked_at:
                raise invalid_grant()
            granted = granted_scope(user.role, scope or stored.scope, ceiling=token_scope(stored.scope))
            secret, successor = self._issuer.refresh_token(
                subject=user.id, client_id=client_id, scope=granted, family_id=stored.family_id
            )
            # Signed before the commit, at the decision's instant: a revocation after it is later.
            access = await self._issuer.user_access_token(user, granted, decided_at=successor.issued_at)
            await uow.refresh_tokens.mark_used(stored.id)
            await uow.refresh_tokens.add(successor)
            record(
                uow,
                msgspec.structs.replace(by, actor=Actor(id=user.id, kind="user", role=user.role)),
                self._clock.now(),
                Change(
                    action="token_refreshed",
                    resource=Resource("refresh_token_family", stored.family_id),
                    before={"scope": stored.scope},
                    after={"scope": granted},
                ),
            )
            await uow.commit()
        return self._issuer.response(access, granted, secret)
