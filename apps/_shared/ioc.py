"""Providers every service shares: settings, clock, ids, and the infrastructure adapters."""

from dishka import Provider, Scope, collect, from_context, provide, provide_all
from dishka.integrations.litestar import LitestarProvider

from adapters.crypto.settings import PasswordSettings
from adapters.db.audit import AuditChain
from adapters.db.ioc import DatabaseProvider
from adapters.db.settings import DatabaseSettings
from adapters.http.request_context import RequestContextProvider
from adapters.jose.ioc import AuthProvider
from adapters.jose.settings import AuthSettings
from adapters.memory.ioc import MemoryProvider
from adapters.redis.ioc import RedisProvider
from adapters.redis.settings import RedisSettings
from adapters.system.clock import AsyncioScheduler, SystemClock, Uuid7IdGenerator
from apps._shared.settings import PlatformSettings
from core.domain.audit.use_cases import SearchAudit, VerifyAudit
from core.domain.identity.lockout import LoginPolicy
from core.domain.threat.policy import ThreatPolicy
from core.ports.clock import Clock, IdGenerator, Scheduler
from core.ports.health import HealthProbe


class PlatformProvider(Provider):
    """The settings (one section per adapter, from the context's ``PlatformSettings``), clock,
    ids and scheduler every other provider resolves from the graph."""

    scope = Scope.APP

    settings = from_context(provides=PlatformSettings)
    audit_chain = from_context(provides=AuditChain)
    clock = provide(SystemClock, provides=Clock)
    ids = provide(Uuid7IdGenerator, provides=IdGenerator)
    scheduler = provide(AsyncioScheduler, provides=Scheduler)
    health_probes = collect(HealthProbe)

    @provide
    def database(self, settings: PlatformSettings) -> DatabaseSettings:
        return settings.database

    @provide
    def redis(self, settings: PlatformSettings) -> RedisSettings:
        return settings.redis

    @provide
    def auth(self, settings: PlatformSettings) -> AuthSettings:
        return settings.auth

    @provide
    def password(self, settings: PlatformSettings) -> PasswordSettings:
        return settings.password

    @provide
    def login(self, settings: PlatformSettings) -> LoginPolicy:
        return settings.login

    @provide
    def threat(self, settings: PlatformSettings) -> ThreatPolicy:
        return settings.threat


class AuditProvider(Provider):
    """Every service reads and verifies its own audit chain (``/v1/audit``)."""

    scope = Scope.REQUEST
    use_cases = provide_all(SearchAudit, VerifyAudit)


def infrastructure_providers(settings: PlatformSettings) -> list[Provider]:
    """The adapters every service has: the database always; Redis when ``BHIV_REDIS_URL`` is
    set, else the in-process twins (``bhiv up`` overrides them with one state all six share)."""
    shared_state: Provider = RedisProvider() if settings.redis.url else MemoryProvider()
    return [
        PlatformProvider(),
        LitestarProvider(),
        RequestContextProvider(),
        DatabaseProvider(),
        shared_state,
        AuthProvider(),
        AuditProvider(),
    ]
