"""What signed-in users do for themselves: change their password, sign out everywhere."""

import msgspec

from core.domain.access import Principal
from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Invocation
from core.domain.errors import Conflict, Forbidden
from core.domain.events import publish
from core.domain.identity.audit import USERS
from core.domain.identity.errors import WrongCurrentPassword
from core.domain.identity.events import IdentityUserPasswordChanged
from core.domain.identity.lockout import LoginThrottle, email_digest
from core.domain.identity.model import User, UserStatus
from core.domain.identity.oauth import TokenIssuer, TokenResponse, granted_scope
from core.domain.identity.passwords import check_password
from core.domain.identity.tokens import format_scope
from core.domain.identity.use_cases._common import existing_user
from core.domain.identity.use_cases.user_changes import end_every_session
from core.ports.clock import Clock, IdGenerator
from core.ports.oauth import OAuthUnitOfWork
from core.ports.password_hasher import PasswordHasher
from core.ports.revocation import TokenRevocations


def signed_in_user(principal: Principal) -> str:
    if principal.kind != "user":
        raise Forbidden("only a signed-in user can do this")
    return principal.subject


class ChangeOwnPassword:
    """- The current password is required; wrong guesses count towards the account's login
      lock, so a stolen access token cannot be used to guess it.
    - The new password follows the password policy.
    - Every other session ends: all refresh tokens and access tokens of the user issued until
      now stop working. The answer carries a fresh token pair (same scope) for the caller.
    - The change is audited as a redacted change."""

    def __init__(
        self,
        uow: OAuthUnitOfWork,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        clock: Clock,
        ids: IdGenerator,
        revocations: TokenRevocations,
        issuer: TokenIssuer,
    ) -> None:
        self._uow, self._hasher, self._throttle = uow, hasher, throttle
        self._clock, self._ids, self._revocations, self._issuer = clock, ids, revocations, issuer

    async def execute(self, principal: Principal, current: str, new: str, by: Invocation) -> TokenResponse:
        user_id = signed_in_user(principal)
        async with self._uow as uow:
            user = await existing_user(uow, user_id)
        await self._check_current(user, current, by)
        check_password(new, email=user.email)
        new_hash = await self._hasher.hash(new)
        async with self._uow as uow:
            locked = await existing_user(uow, user_id, lock=True)
            if locked != user:
                raise Conflict("the account changed while the password was checked; sign in again")
            changed = msgspec.structs.replace(user, password_hash=new_hash, updated_at=self._clock.now())
            await uow.users.update(changed)
            record(uow, by, self._clock.now(), USERS.change("password_changed", user, changed))
            await end_every_session(uow, self._revocations, user.id)
            announced = IdentityUserPasswordChanged(user_id=user.id)
            publish(uow, announced, self._ids.new_id(), self._clock.now(), by.correlation_id)
            scope = granted_scope(user.role, format_scope(principal.permissions))
            secret, refresh = self._issuer.refresh_token(subject=user.id, client_id=None, scope=scope)
            await uow.refresh_tokens.add(refresh)
            # Decided after the revocation above: this session lives.
            access = await self._issuer.user_access_token(user, scope, decided_at=refresh.issued_at)
            await uow.commit()
        return self._issuer.response(access, scope, secret)

    async def _check_current(self, user: User, current: str, by: Invocation) -> None:
        digest = email_digest(user.email)
        if await self._throttle.locked_for(digest, by.client_ip) is not None:
            raise WrongCurrentPassword()
        if user.status is not UserStatus.ACTIVE or not await self._hasher.verify(user.password_hash, current):
            await self._throttle.failed(digest, by.client_ip)
            raise WrongCurrentPassword()


class SignOutEverywhere:
    """- Ends every session of the caller: every refresh token and every access token issued
      until now (this one included) stops working at once.
    - A service client's access tokens end the same way (it has no refresh tokens).
    - Audited."""

    def __init__(self, uow: OAuthUnitOfWork, clock: Clock, revocations: TokenRevocations) -> None:
        self._uow, self._clock, self._revocations = uow, clock, revocations

    async def execute(self, principal: Principal, by: Invocation) -> None:
        resource = ("user" if principal.kind == "user" else "service_client", principal.subject)
        async with self._uow as uow:
            if principal.kind == "user":
                await uow.users.get(principal.subject, lock=True)
            await end_every_session(uow, self._revocations, principal.subject)
            record(
                uow,
                by,
                self._clock.now(),
                Change(
                    action="signed_out_everywhere",
                    resource=Resource(*resource),
                    before={"sessions": "open"},
                    after={"sessions": "ended"},
                ),
            )
            await uow.commit()
