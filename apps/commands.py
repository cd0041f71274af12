"""What the ``bhiv`` subcommands do, once their arguments are parsed."""

import asyncio
import contextlib
import logging
import sys
from collections.abc import Mapping
from pathlib import Path

import msgspec
import uvicorn

from adapters.db.audit_reader import SqlAuditReader
from adapters.db.engine import create_engine
from adapters.db.migrate import upgrade
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps import demo, internal_clients
from apps._shared.observability import configure_logging, tracer_provider
from apps._shared.server import ReadyCallback, StartupFailed, serve_apps, server_config
from apps._shared.settings import SERVICE_PORTS, PlatformSettings, for_service, service_ports
from apps.gateway import identity_cli
from apps.services import SERVICES, create_service_app
from core.domain.access import Role
from core.domain.audit.use_cases import VerifyAudit
from core.domain.errors import Conflict, DomainError, NotFound
from core.domain.identity.use_cases import NewUser
from core.ports.errors import DependencyUnavailable, Unavailable

log = logging.getLogger("bhiv.cli")


class StartupError(RuntimeError):
    """The platform cannot start; the message says why in one line."""


async def _serve_or_explain(
    apps: Mapping[str, uvicorn.Config], on_ready: ReadyCallback | None = None
) -> None:
    try:
        await serve_apps(apps, on_ready=on_ready)
    except StartupFailed as error:
        raise StartupError(str(error)) from error


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
    if service == "gateway" and not (settings.auth.master_key or settings.auth.master_key_file):
        raise StartupError(
            "the gateway signs tokens: set BHIV_AUTH_MASTER_KEY (base64url of 32 random bytes)"
        )
    if migrate_first:
        await _migrate(settings)
    app = create_service_app(service, settings)
    bind_host = host or settings.http.host
    bind_port = port or settings.http.port or SERVICE_PORTS[service]
    await _serve_or_explain(
        {service: server_config(app, bind_host, bind_port, settings.http.graceful_timeout_seconds)}
    )
    return 0


async def up(settings: PlatformSettings, base_port: int, *, data_dir: Path, demo: Path | None = None) -> int:
    """All six services in one process sharing one in-process cache and bus (unless Redis is set),
    with the platform's own service clients (``data_dir`` keeps their credentials).
    ``demo``: where the demo's logins are kept; the demo data is loaded once the services answer."""
    configure_logging(settings.observability)
    tracer_provider(settings.observability, "bhiv")
    databases = {name: for_service(settings, name).database for name in SERVICES}
    for database in {database.url: database for database in databases.values()}.values():
        await _migrate(msgspec.structs.replace(settings, database=database))
    await _ensure_first_admin(settings)
    if demo is not None:
        await _ensure_demo_admin(settings, demo)
    try:
        llm_client = await internal_clients.orchestration_llm_client(settings, data_dir, base_port)
    except DomainError as error:
        raise StartupError(f"cannot make orchestration's client of the LLM service: {error.detail}") from None
    overrides = [] if settings.redis.url else [MemoryProvider(MemoryState(), override=True)]
    apps = {}
    ports = service_ports(base_port)
    relayed: set[str] = set()
    for name in SERVICES:
        # One relay per database: the first service on it drains its outbox (the gateway on the shared one).
        relay = databases[name].url not in relayed
        relayed.add(databases[name].url)
        own = msgspec.structs.replace(
            settings, outbox=msgspec.structs.replace(settings.outbox, relay_enabled=relay)
        )
        if name == "orchestration":  # the only service that holds the client's secret
            own = msgspec.structs.replace(own, llm_client=llm_client)
        app = create_service_app(name, own, *overrides)
        graceful = settings.http.graceful_timeout_seconds
        apps[name] = server_config(app, settings.http.host, ports[name], graceful)
    loading: set[asyncio.Task[None]] = set()

    def ready(urls: Mapping[str, str], seconds: float) -> None:
        _print_ready(urls, seconds)
        if demo is not None:
            task = asyncio.get_running_loop().create_task(_load_demo(urls["gateway"], demo))
            loading.add(task)
            task.add_done_callback(loading.discard)

    await _serve_or_explain(apps, on_ready=ready)
    return 0


async def _ensure_demo_admin(settings: PlatformSettings, path: Path) -> None:
    admin = next(login for login in demo.demo_logins(path).logins if login.role == "admin")
    new = NewUser(email=admin.email, password=admin.password, role=Role.ADMIN, display_name="Demo admin")
    with contextlib.suppress(Conflict):  # made by an earlier `bhiv up --demo`
        await identity_cli.create_user(settings, new)


async def _load_demo(gateway_url: str, path: Path) -> None:
    try:
        await demo.seed(gateway_url, path)
    except Exception as error:  # the platform stays up; the reason is on the screen
        print(
            f"bhiv: the demo data could not be loaded ({error}); start again from an empty --data-dir",
            file=sys.stderr,
            flush=True,
        )


async def audit_verify(settings: PlatformSettings, chain: str | None = None) -> int:
    """One JSON line per chain; 0 when every chain holds, 1 when one is broken, 2 when unchecked."""
    configure_logging(settings.observability)
    engine = create_engine(settings.database)
    try:
        result = await VerifyAudit(SqlAuditReader(engine)).execute(chain)
    except (NotFound, Unavailable) as error:
        print(f"bhiv: {error}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    for verification in result.chains:
        line = msgspec.structs.asdict(verification)
        if verification.broken is None:
            del line["broken"]
        print(msgspec.json.encode(line).decode(), flush=True)
    return 0 if result.ok else 1


async def rotate_keys(settings: PlatformSettings) -> int:
    configure_logging(settings.observability)
    await _migrate(settings)
    try:
        kid = await identity_cli.rotate_signing_key(settings)
    except RuntimeError as error:  # no master key: this process cannot seal a new key
        raise StartupError(str(error)) from None
    print(msgspec.json.encode({"kid": kid}).decode())
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


async def _ensure_first_admin(settings: PlatformSettings) -> None:
    try:
        first = await identity_cli.ensure_first_admin(settings)
    except DomainError as error:
        raise StartupError(f"cannot create the first admin: {error.detail}") from None
    if first is not None and first.generated_password is not None:
        # Shown once: the password is stored nowhere but as its hash.
        print(
            f"Created the first admin {first.user.email} with the generated password:\n"
            f"  {first.generated_password}\nStore it now; it will not be shown again.",
            file=sys.stderr,
            flush=True,
        )


async def create_user(settings: PlatformSettings, command: NewUser) -> int:
    configure_logging(settings.observability)
    await _migrate(settings)
    try:
        user = await identity_cli.create_user(settings, command)
    except DomainError as error:
        print(f"bhiv: {error.code}: {error.detail}", file=sys.stderr)
        return 1
    except DependencyUnavailable as error:  # a customer login is checked with CRM, which must answer
        print(f"bhiv: dependency_unavailable: {error}", file=sys.stderr)
        return 1
    except RuntimeError as error:  # asking CRM needs a signed token: no master key, no signing
        print(f"bhiv: configuration error: {error}", file=sys.stderr)
        return 2
    print(msgspec.json.encode({"id": user.id, "email": user.email, "role": user.role}).decode())
    return 0
