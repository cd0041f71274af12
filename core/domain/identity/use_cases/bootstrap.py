"""The first admin, so that a fresh installation has no default password."""

import secrets

import msgspec

from core.domain.access import Role
from core.domain.audit.changes import record
from core.domain.audit.model import Actor, Invocation
from core.domain.identity.audit import USERS
from core.domain.identity.model import User, UserStatus
from core.domain.identity.passwords import check_password, normalise_email
from core.domain.identity.use_cases._common import valid_email
from core.ports.clock import Clock, IdGenerator
from core.ports.identity import IdentityUnitOfWork
from core.ports.password_hasher import PasswordHasher

DEFAULT_ADMIN_EMAIL = "admin@bhiv.local"
BOOTSTRAP = Invocation(actor=Actor.system("bootstrap"))


class FirstAdmin(msgspec.Struct, frozen=True, kw_only=True):
    user: User
    generated_password: str | None
    """Set when no password was given: show it once, it is stored nowhere."""


class EnsureFirstAdmin:
    """- Does nothing once an active admin exists.
    - Otherwise creates one with the given email and password (the password policy applies);
      without a password, a strong random one is generated and returned, once.
    - There is no default password. The creation is audited as done by the system."""

    def __init__(
        self, uow: IdentityUnitOfWork, hasher: PasswordHasher, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow, self._hasher, self._clock, self._ids = uow, hasher, clock, ids

    async def execute(self, email: str | None, password: str | None) -> FirstAdmin | None:
        async with self._uow as uow:
            if await uow.users.count_admins() > 0:
                return None
        address = valid_email(normalise_email(email or DEFAULT_ADMIN_EMAIL))
        generated = None if password else secrets.token_urlsafe(24)
        chosen = password or generated or ""
        check_password(chosen, email=address)
        password_hash = await self._hasher.hash(chosen)
        now = self._clock.now()
        user = User(
            id=self._ids.new_id(),
            email=address,
            display_name="Administrator",
            role=Role.ADMIN,
            status=UserStatus.ACTIVE,
            password_hash=password_hash,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            # Checked again inside the writing transaction: two starts at once make one admin.
            if await uow.users.count_admins() > 0:
                return None
            await uow.users.add(user)
            record(uow, BOOTSTRAP, self._clock.now(), USERS.change("create", None, user))
            await uow.commit()
        return FirstAdmin(user=user, generated_password=generated)
