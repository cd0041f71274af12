"""What the identity use cases share: audit snapshots, the customer-link rule, the decoy hash."""

import re
import secrets

from core.domain.access import Role
from core.domain.errors import NotFound, RuleViolated
from core.domain.identity.model import User, UserStatus
from core.ports.identity import CustomerDirectory, IdentityUnitOfWork
from core.ports.password_hasher import PasswordHasher

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def valid_email(normalised: str) -> str:
    if not _EMAIL.fullmatch(normalised) or len(normalised) > 320:
        raise RuleViolated("the email address is not valid")
    return normalised


async def check_customer_link(role: Role, customer_id: str | None, customers: CustomerDirectory) -> None:
    if role is Role.CUSTOMER and not customer_id:
        raise RuleViolated("a customer user needs the customer_id of the CRM customer it acts for")
    if role is not Role.CUSTOMER and customer_id:
        raise RuleViolated("only customer users link to a CRM customer")
    if customer_id and not await customers.exists(customer_id):
        raise RuleViolated("customer_id: CRM has no such customer")


async def existing_user(uow: IdentityUnitOfWork, user_id: str, *, lock: bool = False) -> User:
    user = await uow.users.get(user_id, lock=lock)
    if user is None:
        raise NotFound("user not found")
    return user


async def locked_user(uow: IdentityUnitOfWork, user_id: str) -> tuple[User, int]:
    """The user, and how many active admins there are, with their rows locked until the unit
    of work ends. The admins are locked first, then the user (always in this order, so two
    changes cannot deadlock): two admins disabling each other at once are served one after the
    other, and the second sees one admin left."""
    active_admins = await uow.users.lock_active_admins()
    return await existing_user(uow, user_id, lock=True), active_admins


def keep_an_admin(user: User, active_admins: int) -> None:
    if user.role is Role.ADMIN and user.status is UserStatus.ACTIVE and active_admins <= 1:
        raise RuleViolated("the last active admin cannot be demoted or disabled")


class DecoyHash:
    """A hash of a random password made with the current parameters, computed once: checking a
    password against it makes an unknown email cost as much time as a known one."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher
        self._hash: str | None = None

    async def get(self) -> str:
        if self._hash is None:
            self._hash = await self._hasher.hash(secrets.token_urlsafe(24))
        return self._hash
