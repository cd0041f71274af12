"""Changes to an existing user that end the tokens it holds."""

import msgspec

from core.domain.access import Role
from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Invocation
from core.domain.events import publish
from core.domain.identity.audit import USERS
from core.domain.identity.events import (
    IdentityUserDisabled,
    IdentityUserPasswordReset,
    IdentityUserRoleChanged,
    IdentityUserUnlocked,
)
from core.domain.identity.lockout import LoginThrottle, email_digest
from core.domain.identity.model import User, UserStatus
from core.domain.identity.passwords import check_password
from core.domain.identity.use_cases._common import (
    check_customer_link,
    existing_user,
    keep_an_admin,
    locked_user,
)
from core.ports.clock import Clock, IdGenerator
from core.ports.identity import CustomerDirectory, UserFilter
from core.ports.oauth import OAuthUnitOfWork
from core.ports.pagination import MAX_LIMIT, PageRequest
from core.ports.password_hasher import PasswordHasher
from core.ports.revocation import TokenRevocations


async def end_every_session(uow: OAuthUnitOfWork, revocations: TokenRevocations, subject: str) -> None:
    """Every refresh-token family of the subject is revoked in the unit of work's transaction,
    and every access token issued until now stops working. The access tokens end before the
    commit: should the commit fail, tokens end needlessly, never survive."""
    await uow.refresh_tokens.revoke_subject(subject)
    await revocations.revoke_subject(subject)


async def save_and_end_sessions(
    uow: OAuthUnitOfWork,
    clock: Clock,
    revocations: TokenRevocations,
    by: Invocation,
    action: str,
    user: User,
    changed: User,
) -> None:
    """Store and audit the change, end every session of the user, then commit."""
    await uow.users.update(changed)
    record(uow, by, clock.now(), USERS.change(action, user, changed))
    await end_every_session(uow, revocations, user.id)
    await uow.commit()


class ChangeUserRole:
    """- A `customer` user needs the `customer_id` of a customer CRM has (asked when the change is
      made: 503 `dependency_unavailable` when CRM does not answer); any other role must have none.
    - The last active admin cannot lose the admin role, even when two admins demote each other
      at the same moment.
    - Every token the user holds stops working at once, refresh tokens included (they carry the
      old role's permissions).
    - The change is audited with the old and new role."""

    def __init__(
        self,
        uow: OAuthUnitOfWork,
        clock: Clock,
        ids: IdGenerator,
        revocations: TokenRevocations,
        customers: CustomerDirectory,
    ) -> None:
        self._uow, self._clock, self._ids, self._revocations = uow, clock, ids, revocations
        self._customers = customers

    async def execute(self, user_id: str, role: Role, customer_id: str | None, by: Invocation) -> User:
        await check_customer_link(role, customer_id, self._customers)
        async with self._uow as uow:
            user, active_admins = await locked_user(uow, user_id)
            if user.role is role and user.customer_id == customer_id:
                return user
            if role is not Role.ADMIN:
                keep_an_admin(user, active_admins)
            changed = msgspec.structs.replace(
                user, role=role, customer_id=customer_id, updated_at=self._clock.now()
            )
            announced = IdentityUserRoleChanged(user_id=user.id, role=role, previous_role=user.role)
            publish(uow, announced, self._ids.new_id(), self._clock.now(), by.correlation_id)
            await save_and_end_sessions(
                uow, self._clock, self._revocations, by, "role_changed", user, changed
            )
        return changed


class DisableUser:
    """- A disabled user cannot sign in, and every token it holds (refresh tokens included)
      stops working at once.
    - The last active admin cannot be disabled, even when two admins disable each other at the
      same moment.
    - Disabling a disabled user changes nothing. The change is audited."""

    def __init__(
        self, uow: OAuthUnitOfWork, clock: Clock, ids: IdGenerator, revocations: TokenRevocations
    ) -> None:
        self._uow, self._clock, self._ids, self._revocations = uow, clock, ids, revocations

    async def execute(self, user_id: str, by: Invocation) -> User:
        async with self._uow as uow:
            user, active_admins = await locked_user(uow, user_id)
            if user.status is UserStatus.DISABLED:
                return user
            keep_an_admin(user, active_admins)
            changed = msgspec.structs.replace(user, status=UserStatus.DISABLED, updated_at=self._clock.now())
            announced = IdentityUserDisabled(user_id=user.id)
            publish(uow, announced, self._ids.new_id(), self._clock.now(), by.correlation_id)
            await save_and_end_sessions(uow, self._clock, self._revocations, by, "disable", user, changed)
        return changed


class DisableCustomerLogins:
    """- When CRM erases a customer, every login acting for it is disabled and every token it
      holds stops working (the customer is gone; nobody may act for it any more).
    - Idempotent: the event may come twice; disabled logins stay as they are.
    - Each login's change is audited."""

    def __init__(
        self, uow: OAuthUnitOfWork, clock: Clock, ids: IdGenerator, revocations: TokenRevocations
    ) -> None:
        self._uow, self._clock, self._ids, self._revocations = uow, clock, ids, revocations

    async def execute(self, customer_id: str, by: Invocation) -> list[str]:
        query = UserFilter(customer_id=customer_id, status=UserStatus.ACTIVE)
        async with self._uow as uow:
            # A customer has one login or a few: one page holds them all.
            logins = (await uow.users.list(query, PageRequest(limit=MAX_LIMIT))).items
        disabled = []
        for login in logins:
            async with self._uow as uow:
                user = await existing_user(uow, login.id, lock=True)
                if user.status is UserStatus.DISABLED:
                    continue
                changed = msgspec.structs.replace(
                    user, status=UserStatus.DISABLED, updated_at=self._clock.now()
                )
                announced = IdentityUserDisabled(user_id=user.id)
                publish(uow, announced, self._ids.new_id(), self._clock.now(), by.correlation_id)
                await save_and_end_sessions(uow, self._clock, self._revocations, by, "disable", user, changed)
            disabled.append(user.id)
        return disabled


class ResetPassword:
    """- The new password follows the password policy.
    - Every token the user holds stops working at once, refresh tokens included.
    - The reset is audited as a redacted change: the audit never holds a hash."""

    def __init__(
        self,
        uow: OAuthUnitOfWork,
        hasher: PasswordHasher,
        clock: Clock,
        ids: IdGenerator,
        revocations: TokenRevocations,
    ) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock
        self._ids, self._revocations = ids, revocations

    async def execute(self, user_id: str, new_password: str, by: Invocation) -> User:
        async with self._uow as uow:
            email = (await existing_user(uow, user_id)).email
        check_password(new_password, email=email)
        password_hash = await self._hasher.hash(new_password)
        async with self._uow as uow:
            user = await existing_user(uow, user_id, lock=True)
            changed = msgspec.structs.replace(user, password_hash=password_hash, updated_at=self._clock.now())
            announced = IdentityUserPasswordReset(user_id=user.id)
            publish(uow, announced, self._ids.new_id(), self._clock.now(), by.correlation_id)
            await save_and_end_sessions(
                uow, self._clock, self._revocations, by, "password_reset", user, changed
            )
        return changed


class UnlockUser:
    """- Ends every login lock of the user's account, from every address, and forgets its
      failures (for a user locked out by someone guessing at its password).
    - Audited, whether or not a lock was in force."""

    def __init__(self, uow: OAuthUnitOfWork, throttle: LoginThrottle, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._throttle, self._clock, self._ids = uow, throttle, clock, ids

    async def execute(self, user_id: str, by: Invocation) -> None:
        async with self._uow as uow:
            user = await existing_user(uow, user_id)
            await self._throttle.unlock(email_digest(user.email))
            announced = IdentityUserUnlocked(user_id=user.id)
            publish(uow, announced, self._ids.new_id(), self._clock.now(), by.correlation_id)
            record(
                uow,
                by,
                self._clock.now(),
                Change(
                    action="login_unlocked",
                    resource=Resource("user", user.id),
                    before={"login_locks": "any"},
                    after={"login_locks": "none"},
                ),
            )
            await uow.commit()
