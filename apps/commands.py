"""What the ``bhiv`` subcommands do, once their arguments are parsed."""

import logging
import sys
from collections.abc import Mapping

import msgspec

from adapters.db.migrate import upgrade
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.observability import configure_logging, tracer_provider
from apps._shared.server import hypercorn_config, serve_apps
from apps._shared.settings import SERVICE_PORTS, PlatformSettings
from apps.services import SERVICES, create_service_app
from core.ports.errors import Unavailable

log = logging.getLogger("bhiv.cli")


class StartupError(RuntimeError):
    """The platform cannot start; the message says why in one line."""


async def migrate(settings: PlatformSettings, revision: str = "head") -> int:
    configure_logging(settings.observability)
    await _migrate(settings, revision)
    print(f"migrated to {revision}")
    return 0


async def serve(
    settings: PlatformSettings, service: str, host: str | None, port: int | None, migrate_first: bool
) -> int:
    configure_logging(settings.observability)
    tracer_provider(settings.observability, f"bhiv-{service}")
    if migrate_first:
        await _migrate(settings)
    app = create_service_app(service, settings)
    bind_host = host or settings.http.host
    bind_port = port or settings.http.port or SERVICE_PORTS[service]
    config = hypercorn_config(bind_host, bind_port, settings.http.graceful_timeout_seconds)
    await serve_apps({service: (app, config)})
    return 0


async def up(settings: PlatformSettings, base_port: int) -> int:
    """All six services in one process sharing one in-process cache and bus (unless Redis is set)."""
    configure_logging(settings.observability)
    tracer_provider(settings.observability, "bhiv")
    await _migrate(settings)
    overrides = [] if settings.redis.url else [MemoryProvider(MemoryState())]
    apps = {}
    for offset, name in enumerate(SERVICES):
        # One relay is enough for the one shared database.
        own = msgspec.structs.replace(
            settings,
            outbox=msgspec.structs.replace(settings.outbox, relay_enabled=name == "gateway"),
        )
        app = create_service_app(name, own, *overrides)
        port = base_port + offset
        apps[name] = (app, hypercorn_config(settings.http.host, port, settings.http.graceful_timeout_seconds))
    await serve_apps(apps, on_ready=_print_ready)
    return 0


def _print_ready(urls: Mapping[str, str], seconds: float) -> None:
    lines = [f"BHIV Core is up in {seconds:.2f}s:"]
    lines += [f"  {name:<14} {url}  (docs: {url}/openapi/swagger)" for name, url in urls.items()]
    lines.append("Ctrl-C stops every service after in-flight requests finish.")
    print("\n".join(lines), file=sys.stderr, flush=True)


async def _migrate(settings: PlatformSettings, revision: str = "head") -> None:
    try:
        await upgrade(settings.database, revision)
    except Unavailable as error:
        raise StartupError(f"database unavailable: {error}") from None
