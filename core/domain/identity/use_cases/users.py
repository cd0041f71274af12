"""Managing users: create, read, change role, disable, reset password."""

import msgspec

from core.domain.access import Role
from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import Conflict, RuleViolated
from core.domain.events import publish
from core.domain.identity.audit import USERS
from core.domain.identity.events import IdentityUserCreated
from core.domain.identity.model import User, UserStatus
from core.domain.identity.passwords import check_password, normalise_email
from core.domain.identity.use_cases._common import (
    check_customer_link,
    existing_user,
    valid_email,
)
from core.ports.clock import Clock, IdGenerator
from core.ports.identity import CustomerDirectory, IdentityUnitOfWork, UserFilter
from core.ports.pagination import Page, PageRequest
from core.ports.password_hasher import PasswordHasher


class NewUser(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    password: str
    role: Role
    display_name: str
    customer_id: str | None = None


class CreateUser:
    """- The email is stored trimmed and lower-cased and is unique: a second user with it is a conflict.
    - The password follows the password policy: 12 to 256 characters, not the email nor containing
      its local part, not a commonly used password.
    - A `customer` user acts for exactly one CRM customer (`customer_id`), which CRM must have:
      identity asks it, and when CRM does not answer the user is not created (503
      `dependency_unavailable`). No other role has a `customer_id`.
    - A new user is active. The creation is audited; the password hash never appears in the audit."""

    def __init__(
        self,
        uow: IdentityUnitOfWork,
        hasher: PasswordHasher,
        clock: Clock,
        ids: IdGenerator,
        customers: CustomerDirectory,
    ) -> None:
        self._uow, self._hasher, self._clock, self._ids = uow, hasher, clock, ids
        self._customers = customers

    async def execute(self, cmd: NewUser, by: Invocation) -> User:
        email = valid_email(normalise_email(cmd.email))
        display_name = cmd.display_name.strip()
        if not display_name:
            raise RuleViolated("the display name must not be empty")
        check_password(cmd.password, email=email)
        await check_customer_link(cmd.role, cmd.customer_id, self._customers)
        password_hash = await self._hasher.hash(cmd.password)
        now = self._clock.now()
        user = User(
            id=self._ids.new_id(),
            email=email,
            display_name=display_name,
            role=cmd.role,
            status=UserStatus.ACTIVE,
            password_hash=password_hash,
            customer_id=cmd.customer_id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            if await uow.users.get_by_email(email) is not None:
                raise Conflict("a user with this email already exists")
            await uow.users.add(user)
            created = IdentityUserCreated(user_id=user.id, role=user.role)
            publish(uow, created, self._ids.new_id(), now, by.correlation_id)
            record(uow, by, self._clock.now(), USERS.change("create", None, user))
            await uow.commit()
        return user


class ListUsers:
    """- Oldest first, 1 to 200 per page (default 50); filter by role and status."""

    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: UserFilter, page: PageRequest) -> Page[User]:
        async with self._uow as uow:
            return await uow.users.list(query, page)


class GetUser:
    """- An unknown id is answered as not found."""

    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, user_id: str) -> User:
        async with self._uow as uow:
            return await existing_user(uow, user_id)
