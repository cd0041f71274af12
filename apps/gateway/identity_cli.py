"""Identity use cases run from the ``bhiv`` command: the first admin and ``users create``."""

import contextlib
from collections.abc import AsyncIterator, Mapping

from adapters.crypto.argon2 import Argon2PasswordHasher
from adapters.db.engine import create_engine, session_factory
from adapters.db.identity.uow import SqlIdentityUnitOfWork
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from apps._shared.settings import PlatformSettings
from apps.gateway.identity_ioc import load_identity_settings
from core.domain.audit.model import Actor, Invocation
from core.domain.identity.model import User
from core.domain.identity.use_cases import CreateUser, EnsureFirstAdmin, FirstAdmin, NewUser

CHAIN = "gateway"
"""Users live in the gateway; their audit records join its chain wherever the change is made."""


class _Kit:
    def __init__(self, uow: SqlIdentityUnitOfWork, hasher: Argon2PasswordHasher) -> None:
        self.uow, self.hasher, self.clock, self.ids = uow, hasher, SystemClock(), Uuid7IdGenerator()


@contextlib.asynccontextmanager
async def _kit(settings: PlatformSettings, environ: Mapping[str, str] | None) -> AsyncIterator[_Kit]:
    engine = create_engine(settings.database)
    hasher = Argon2PasswordHasher(load_identity_settings(environ).password)
    ids = Uuid7IdGenerator()
    try:
        uow = SqlIdentityUnitOfWork(session_factory(engine), SystemClock(), audit_chain=CHAIN, ids=ids)
        yield _Kit(uow, hasher)
    finally:
        hasher.close()
        await engine.dispose()


async def ensure_first_admin(settings: PlatformSettings, environ: Mapping[str, str]) -> FirstAdmin | None:
    """From ``BHIV_ADMIN_EMAIL`` / ``BHIV_ADMIN_PASSWORD``; None when an admin already exists."""
    async with _kit(settings, environ) as kit:
        bootstrap = EnsureFirstAdmin(kit.uow, kit.hasher, kit.clock, kit.ids)
        return await bootstrap.execute(environ.get("BHIV_ADMIN_EMAIL"), environ.get("BHIV_ADMIN_PASSWORD"))


async def create_user(
    settings: PlatformSettings, command: NewUser, environ: Mapping[str, str] | None = None
) -> User:
    async with _kit(settings, environ) as kit:
        by = Invocation(actor=Actor.system("bhiv-cli"))
        return await CreateUser(kit.uow, kit.hasher, kit.clock, kit.ids).execute(command, by)
