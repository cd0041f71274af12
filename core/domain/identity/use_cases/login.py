"""Password login with abuse protection."""

from collections.abc import Awaitable, Callable

import msgspec

from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import ANONYMOUS, Actor, Invocation
from core.domain.events import publish
from core.domain.identity.audit import USERS
from core.domain.identity.errors import InvalidCredentials
from core.domain.identity.events import IdentityLoginFailed
from core.domain.identity.lockout import LoginThrottle, email_digest
from core.domain.identity.model import User, UserStatus
from core.domain.identity.passwords import normalise_email
from core.domain.identity.use_cases._common import DecoyHash
from core.ports.clock import Clock, IdGenerator
from core.ports.oauth import OAuthUnitOfWork
from core.ports.password_hasher import PasswordHasher

OnSignIn = Callable[[OAuthUnitOfWork, User], Awaitable[None]]
"""Work that commits with a successful sign-in (storing its refresh token), given the user
as locked for that transaction."""


class AuthenticateUser:
    """- An unknown email, a wrong password, a disabled account and a locked account all get the
      same `InvalidCredentials`; an unknown email is checked against a decoy hash so it takes
      as long as a known one.
    - Failures are counted per account and per client IP; a spent budget locks the account (or
      IP) for a time that doubles with each lock, up to a cap. A success clears the account's count.
    - Every failure is audited (actor anonymous) and published as `identity.login_failed` with
      the email's SHA-256 (never the email), the IP and the reason.
    - A success is audited; a hash made with outdated parameters is replaced by a fresh one.
    - A success commits in one transaction with the user's row locked: a password reset, role
      change or disable at the same moment either comes first (and the sign-in is refused) or
      after (and ends the session it started)."""

    def __init__(
        self,
        uow: OAuthUnitOfWork,
        hasher: PasswordHasher,
        decoy: DecoyHash,
        throttle: LoginThrottle,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow, self._hasher, self._decoy = uow, hasher, decoy
        self._throttle, self._clock, self._ids = throttle, clock, ids

    async def execute(
        self, email: str, password: str, context: Invocation, *, on_success: OnSignIn | None = None
    ) -> User:
        digest = email_digest(normalise_email(email))
        locked_for = await self._throttle.locked_for(digest, context.client_ip)
        if locked_for is not None:
            await self._record_failure(digest, None, "locked", context)
            raise InvalidCredentials(retry_after=locked_for)
        async with self._uow as uow:
            user = await uow.users.get_by_email(normalise_email(email))
        if user is None:
            await self._hasher.verify(await self._decoy.get(), password)
            return await self._fail(digest, None, "unknown_account", context)
        if not await self._hasher.verify(user.password_hash, password):
            return await self._fail(digest, user, "bad_password", context)
        if user.status is not UserStatus.ACTIVE:
            return await self._fail(digest, user, "disabled", context)
        signed_in = await self._succeed(user, password, context, on_success)
        if signed_in is None:  # reset, disabled or changed while its password was checked
            raise InvalidCredentials()
        await self._throttle.succeeded(digest, context.client_ip)
        return signed_in

    async def _fail(self, digest: str, user: User | None, reason: str, context: Invocation) -> User:
        await self._record_failure(digest, user, reason, context)
        await self._throttle.failed(digest, context.client_ip)
        raise InvalidCredentials()

    async def _record_failure(self, digest: str, user: User | None, reason: str, context: Invocation) -> None:
        failed = IdentityLoginFailed(email_sha256=digest, ip=context.client_ip, reason=reason)
        anonymous = msgspec.structs.replace(context, actor=ANONYMOUS)
        resource_id = user.id if user else f"email-sha256:{digest}"
        async with self._uow as uow:
            publish(
                uow,
                failed,
                event_id=self._ids.new_id(),
                at=self._clock.now(),
                correlation_id=context.correlation_id,
            )
            record(
                uow,
                anonymous,
                self._clock.now(),
                Change(
                    action="login_failed",
                    resource=Resource("user", resource_id),
                    before=None,
                    after={"reason": reason},
                ),
            )
            await uow.commit()

    async def _succeed(
        self, user: User, password: str, context: Invocation, on_success: OnSignIn | None
    ) -> User | None:
        fresh_hash = (
            await self._hasher.hash(password) if self._hasher.needs_rehash(user.password_hash) else None
        )
        as_user = msgspec.structs.replace(context, actor=Actor(id=user.id, kind="user", role=user.role))
        async with self._uow as uow:
            current = await uow.users.get(user.id, lock=True)
            # Only the very state whose password was verified signs in: a concurrent change wins.
            if current != user:
                return None
            after = current
            if fresh_hash:
                after = msgspec.structs.replace(
                    current, password_hash=fresh_hash, updated_at=self._clock.now()
                )
                await uow.users.update(after)
            if on_success is not None:
                await on_success(uow, current)
            record(uow, as_user, self._clock.now(), USERS.change("login_succeeded", current, after))
            await uow.commit()
        return after
