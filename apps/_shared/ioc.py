"""Providers every service shares: settings, clock, ids, and the infrastructure adapters."""

from dishka import Provider, Scope, collect, from_context, provide
from dishka.integrations.litestar import LitestarProvider

from adapters.db.ioc import DatabaseProvider
from adapters.http.request_context import RequestContextProvider
from adapters.jose.ioc import AuthProvider
from adapters.memory.ioc import MemoryProvider
from adapters.redis.ioc import RedisProvider
from adapters.system.clock import AsyncioScheduler, SystemClock, Uuid7IdGenerator
from apps._shared.settings import PlatformSettings
from core.ports.clock import Clock, IdGenerator, Scheduler
from core.ports.health import HealthProbe


class PlatformProvider(Provider):
    scope = Scope.APP

    settings = from_context(provides=PlatformSettings)
    clock = provide(SystemClock, provides=Clock)
    ids = provide(Uuid7IdGenerator, provides=IdGenerator)
    scheduler = provide(AsyncioScheduler, provides=Scheduler)
    health_probes = collect(HealthProbe)


def infrastructure_providers(settings: PlatformSettings, service: str) -> list[Provider]:
    """The database always; Redis when ``BHIV_REDIS_URL`` is set, else the in-process twins.

    ``bhiv up`` overrides the memory provider with one whose state all six services share.
    """
    shared_state: Provider = RedisProvider(settings.redis) if settings.redis.url else MemoryProvider()
    return [
        PlatformProvider(),
        LitestarProvider(),
        RequestContextProvider(),
        DatabaseProvider(settings.database, audit_chain=service),
        shared_state,
        AuthProvider(settings.auth),
    ]
