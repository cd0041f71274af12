"""The gateway's identity wiring: hasher, login throttle, unit of work, use cases, OAuth grants.

``TokenRevocations`` comes from the token adapter's provider (``adapters/jose/ioc.py``)."""

from collections.abc import AsyncIterator

import msgspec
from dishka import Provider, Scope, provide, provide_all
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.crypto.argon2 import Argon2PasswordHasher
from adapters.crypto.settings import PasswordSettings
from adapters.db.audit import AuditChain
from adapters.db.identity.uow import SqlIdentityUnitOfWork
from apps._shared.settings import PlatformSettings
from core.domain.identity import use_cases as uc
from core.domain.identity.lockout import LoginPolicy, LoginThrottle
from core.domain.identity.use_cases.grants import ClientCredentialsGrant, PasswordGrant, RefreshGrant
from core.domain.identity.use_cases.keys import RotateSigningKey
from core.domain.identity.use_cases.token_lifecycle import IntrospectToken, RevokeToken
from core.ports.clock import Clock, IdGenerator
from core.ports.identity import IdentityUnitOfWork
from core.ports.kv import KeyValueStore
from core.ports.oauth import OAuthUnitOfWork
from core.ports.password_hasher import PasswordHasher
from core.ports.rate_limit import RateLimiter


class IdentitySettings(msgspec.Struct, frozen=True):
    password: PasswordSettings = msgspec.field(default_factory=PasswordSettings)
    login: LoginPolicy = msgspec.field(default_factory=LoginPolicy)


class IdentityProvider(Provider):
    """``settings`` replace the platform's (tests pass cheap hashing parameters)."""

    def __init__(self, settings: IdentitySettings | None = None) -> None:
        super().__init__()
        self._settings = settings

    @provide(scope=Scope.APP)
    def settings(self, platform: PlatformSettings) -> IdentitySettings:
        return self._settings or IdentitySettings(password=platform.password, login=platform.login)

    @provide(scope=Scope.APP)
    async def hasher(self, settings: IdentitySettings) -> AsyncIterator[PasswordHasher]:
        hasher = Argon2PasswordHasher(settings.password)
        try:
            yield hasher
        finally:
            hasher.close()

    @provide(scope=Scope.APP)
    def decoy(self, hasher: PasswordHasher) -> uc.DecoyHash:
        return uc.DecoyHash(hasher)

    @provide(scope=Scope.APP)
    def throttle(self, limiter: RateLimiter, kv: KeyValueStore, settings: IdentitySettings) -> LoginThrottle:
        return LoginThrottle(limiter, kv, settings.login)

    @provide(scope=Scope.REQUEST)
    def unit_of_work(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator, chain: AuditChain
    ) -> SqlIdentityUnitOfWork:
        return SqlIdentityUnitOfWork(sessions, clock, audit_chain=chain, ids=ids)

    @provide(scope=Scope.REQUEST)
    def identity_unit_of_work(self, uow: SqlIdentityUnitOfWork) -> IdentityUnitOfWork:
        return uow

    @provide(scope=Scope.REQUEST)
    def oauth_unit_of_work(self, uow: SqlIdentityUnitOfWork) -> OAuthUnitOfWork:
        return uow

    use_cases = provide_all(
        uc.CreateUser,
        uc.ListUsers,
        uc.GetUser,
        uc.ChangeUserRole,
        uc.DisableUser,
        uc.ResetPassword,
        uc.ChangeOwnPassword,
        uc.SignOutEverywhere,
        uc.UnlockUser,
        uc.CreateServiceClient,
        uc.ListServiceClients,
        uc.DisableServiceClient,
        uc.AuthenticateUser,
        uc.AuthenticateClient,
        uc.EnsureFirstAdmin,
        PasswordGrant,
        ClientCredentialsGrant,
        RefreshGrant,
        RevokeToken,
        IntrospectToken,
        RotateSigningKey,
        scope=Scope.REQUEST,
    )
