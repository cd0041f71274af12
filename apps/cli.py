"""The ``bhiv`` command."""

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import msgspec

from adapters.jose.sealing import new_master_key
from adapters.webhooks.sealing import new_seal_key
from apps._shared.config import ConfigError, redact_url
from apps._shared.settings import (
    DEFAULT_BASE_PORT,
    SERVICE_PORTS,
    PlatformSettings,
    for_service,
    load_platform_settings,
    local_url,
    service_ports,
)
from core.domain.access import Role
from core.domain.identity.use_cases import NewUser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, not a usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bhiv", description="BHIV Core: AI agents and the business services around them.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    up = commands.add_parser("up", help="all six services in one process on the embedded default")
    up.add_argument("--data-dir", type=Path, default=Path(".bhiv"), help="SQLite file lives here")
    up.add_argument("--host", default=None, help="interface to listen on (default 127.0.0.1)")
    up.add_argument(
        "--base-port", type=int, default=DEFAULT_BASE_PORT, help="gateway port; the others follow"
    )
    up.add_argument(
        "--demo", action="store_true", help="load a small demo data set and print a sign-in per role"
    )

    serve = commands.add_parser("serve", help="one service, configured from BHIV_* variables")
    serve.add_argument("service", choices=tuple(SERVICE_PORTS), metavar="SERVICE")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--revision", default="head")

    users = commands.add_parser("users", help="manage users")
    users_commands = users.add_subparsers(dest="users_command", required=True, parser_class=_Parser)
    create = users_commands.add_parser(
        "create", help="create a user; the password comes from BHIV_NEW_USER_PASSWORD or a prompt"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--display-name", default=None, help="default: the email's local part")
    create.add_argument("--customer-id", default=None, help="the CRM customer (customer role only)")

    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    verify = audit_commands.add_parser("verify", help="check the hash chains; one JSON line per chain")
    verify.add_argument(
        "--chain",
        default=None,
        help="only this chain (a service name: read from BHIV_<SERVICE>_DATABASE_URL if set)",
    )
    verify.add_argument(
        "--anchor",
        type=Path,
        default=None,
        metavar="FILE",
        help="also check the signed anchors in FILE (key: BHIV_AUDIT_ANCHOR_PUBLIC_KEY_FILE)",
    )
    anchor = audit_commands.add_parser(
        "anchor", help="sign each chain's head with BHIV_AUDIT_ANCHOR_KEY_FILE; JSON lines to keep elsewhere"
    )
    anchor.add_argument("--chain", default=None, help="only this chain (a service name)")
    anchor.add_argument("--out", type=Path, default=None, metavar="FILE", help="append to FILE, not stdout")
    keygen = audit_commands.add_parser("anchor-keygen", help="a new Ed25519 key pair for signing anchors")
    keygen.add_argument("--out", type=Path, required=True, metavar="DIR", help="where the two PEM files go")

    keys = commands.add_parser("keys", help="access-token signing keys")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True, parser_class=_Parser)
    rotate = keys_commands.add_parser("rotate", help="make a new signing key current; old ones verify on")
    rotate.add_argument("--data-dir", type=Path, default=Path(".bhiv"), help="the embedded default's data")

    agents = commands.add_parser("agents", help="the agent catalog and its router")
    agents_commands = agents.add_subparsers(dest="agents_command", required=True, parser_class=_Parser)
    agents_list = agents_commands.add_parser(
        "list", help="one line per agent: name, version, distribution, title"
    )
    agents_list.add_argument("--json", action="store_true", help="the catalog's info as JSON")

    kb = commands.add_parser("kb", help="the knowledge base of orchestration's agents")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, parser_class=_Parser)
    kb_ingest = kb_commands.add_parser("ingest", help="add text or Markdown files; one JSON line each")
    kb_ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    kb_ingest.add_argument("--visibility", choices=["private", "shared"], default="private")
    kb_ingest.add_argument("--owner", default="operator", help="a user's email or id (default: operator)")

    threat = commands.add_parser("threat", help="the gateway's threat detectors, offline")
    threat_commands = threat.add_subparsers(dest="threat_command", required=True, parser_class=_Parser)
    threat_scan = threat_commands.add_parser("scan", help="one JSON verdict line per input line")
    threat_scan.add_argument("source", nargs="?", default="-", metavar="FILE|-", help="default: stdin")
    threat_scan.add_argument("--timing", action="store_true", help="print inputs/s to stderr")

    route = agents_commands.add_parser("route", help='the agent a text goes to: {"agent", "confidence"}')
    route.add_argument("text", metavar="TEXT|-", help='-: JSON lines {"text": ...} on stdin')
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "threat":  # needs no settings: scans never touch storage
        from apps.threat_cli import run

        return run(args.source, args.timing)
    if args.command == "agents" and args.agents_command == "list":  # entry points, not settings
        from apps import agents_cli

        return agents_cli.list_agents(as_json=args.json)
    if args.command == "audit" and args.audit_command == "anchor-keygen":  # touches no storage either
        from apps.audit_cli import keygen

        return keygen(args.out)
    try:
        settings = load_platform_settings()
    except ConfigError as error:
        print(f"bhiv: configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "agents" and args.agents_command == "route":  # routes with every permission
        from apps.agents_route_cli import run as route
        from apps.orchestration.agents import plugin_catalog

        return route(args.text, plugin_catalog(), settings.agents.route_threshold)
    from apps import commands  # imported late: argument errors stay fast

    try:
        if args.command == "up":
            embedded = _listening_at(_embedded(settings, args), args.base_port)
            demo = args.data_dir / "demo-logins.json" if args.demo else None
            return _serve_loop(commands.up(embedded, args.base_port, data_dir=args.data_dir, demo=demo))
        if args.command == "serve":
            return _serve_loop(commands.serve(settings, args.service, args.host, args.port, args.migrate))
        if args.command == "migrate":
            return asyncio.run(commands.migrate(settings, args.revision))
        if args.command == "users":
            return asyncio.run(commands.create_user(settings, _new_user(args)))
        if args.command == "audit":
            return asyncio.run(_audit(settings, args))
        if args.command == "kb":
            from apps import kb_cli
            from core.ports.knowledge import Visibility

            visibility = Visibility(args.visibility)
            return asyncio.run(kb_cli.ingest(settings, args.paths, visibility=visibility, owner=args.owner))
        if args.command == "keys":
            return asyncio.run(commands.rotate_keys(_embedded(settings, args)))
    except KeyboardInterrupt:
        return 130
    except ConfigError as error:
        print(f"bhiv: configuration error: {error}", file=sys.stderr)
        return 2
    except commands.StartupError as error:
        print(f"bhiv: {error}", file=sys.stderr)
        return 1
    return 2


async def _audit(settings: PlatformSettings, args: argparse.Namespace) -> int:
    from apps import audit_cli, commands

    if args.chain in SERVICE_PORTS:  # a service's chain lives in that service's database
        settings = for_service(settings, args.chain)

    if args.audit_command == "anchor":
        return await audit_cli.anchor(settings, args.chain, args.out)
    if args.anchor is not None:
        return await audit_cli.verify_anchored(settings, args.chain, args.anchor)
    return await commands.audit_verify(settings, args.chain)


def _serve_loop(main: Coroutine[Any, Any, int]) -> int:
    """Servers run on uvloop where it is installed (Linux, macOS): measured in decision 0016."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def _embedded(settings: PlatformSettings, args: argparse.Namespace) -> PlatformSettings:
    """Whatever the environment sets, with the embedded default's data dir for the rest
    (creating its master key file on first use, for the embedded database only) and loopback
    allowlisted."""
    database = settings.database
    if "BHIV_DATABASE_URL" not in os.environ:
        embedded_url = _EMBEDDED_SQLITE + str(_embedded_path(args.data_dir))
        database = msgspec.structs.replace(database, url=embedded_url)
    host = getattr(args, "host", None)
    http = settings.http if host is None else msgspec.structs.replace(settings.http, host=host)
    auth = settings.auth
    if not auth.master_key and not auth.master_key_file:
        # Embedded only: production passes the master key in the environment, never a file we make.
        # A key invented here for a shared database would seal a new signing key that no other
        # gateway can open, or fail to open the ones already there (500 on every login).
        if not _is_embedded(database.url, args.data_dir):
            raise ConfigError(
                "BHIV_DATABASE_URL names a database other than the embedded one, so its master key"
                " cannot be made here: set BHIV_AUTH_MASTER_KEY or BHIV_AUTH_MASTER_KEY_FILE"
            )
        master_key_file = (args.data_dir / "master.key").resolve()
        ensure_master_key_file(master_key_file)
        auth = msgspec.structs.replace(auth, master_key_file=str(master_key_file))
    integrations = settings.integrations
    if (
        not integrations.seal_key
        and not integrations.seal_key_file
        and _is_embedded(database.url, args.data_dir)
    ):
        # As the master key: made here for the embedded database only; with another database,
        # creating a webhook answers 503 until BHIV_INTEGRATIONS_SEAL_KEY(_FILE) is set.
        seal_key_file = (args.data_dir / "integrations.key").resolve()
        ensure_key_file(seal_key_file, new_seal_key)
        integrations = msgspec.structs.replace(integrations, seal_key_file=str(seal_key_file))
    threat = settings.threat
    if "BHIV_THREAT_ALLOWLIST" not in os.environ:
        # A laptop's own scripts are refused when they send an attack, never blocked.
        threat = msgspec.structs.replace(threat, allowlist=list(LOOPBACK))
    files = settings.files
    if "BHIV_FILES_DIRECTORY" not in os.environ:
        files = msgspec.structs.replace(files, directory=str((args.data_dir / "files").resolve()))
    return msgspec.structs.replace(
        settings,
        database=database,
        http=http,
        auth=auth,
        threat=threat,
        files=files,
        integrations=integrations,
    )


def _listening_at(
    settings: PlatformSettings, base_port: int, environ: Mapping[str, str] = os.environ
) -> PlatformSettings:
    """What follows from where ``bhiv up`` listens (``--host``, ``--base-port``): the gateway's
    upstreams for the services the environment does not name, and the tokens' issuer (the
    gateway's URL, so also the metadata's ``jwks_uri``) unless ``BHIV_AUTH_ISSUER`` is set."""
    host = settings.http.host
    urls = {name: local_url(host, port) for name, port in service_ports(base_port).items()}
    configured = {name: upstreams for name, upstreams in settings.gateway.upstreams.items() if upstreams}
    own = {name: [url] for name, url in urls.items() if name != "gateway"}
    gateway = msgspec.structs.replace(settings.gateway, upstreams={**own, **configured})
    auth = settings.auth
    if "BHIV_AUTH_ISSUER" not in environ:
        auth = msgspec.structs.replace(auth, issuer=urls["gateway"])
    return msgspec.structs.replace(settings, gateway=gateway, auth=auth)


LOOPBACK = ("127.0.0.0/8", "::1/128")


_EMBEDDED_SQLITE = "sqlite+aiosqlite:///"


def _embedded_path(data_dir: Path) -> Path:
    return (data_dir / "bhiv.db").resolve()


def _is_embedded(url: str, data_dir: Path) -> bool:
    """The SQLite file in the data directory, however the URL spells its path."""
    return url.startswith(_EMBEDDED_SQLITE) and (
        Path(url.removeprefix(_EMBEDDED_SQLITE)).resolve() == _embedded_path(data_dir)
    )


ROLES = tuple(role.value for role in Role)


def _new_user(args: argparse.Namespace) -> NewUser:
    return NewUser(
        email=args.email,
        password=_read_password(),
        role=Role(args.role),
        display_name=args.display_name or args.email.split("@", 1)[0],
        customer_id=args.customer_id,
    )


def _read_password() -> str:
    """Never a flag: flags end up in shell history and in every user's ``ps``."""
    if "BHIV_NEW_USER_PASSWORD" in os.environ:
        return os.environ["BHIV_NEW_USER_PASSWORD"]
    if sys.stdin.isatty():
        return getpass.getpass("Password for the new user: ")
    return sys.stdin.readline().rstrip("\r\n")


def describe(settings: PlatformSettings) -> str:
    return f"database {redact_url(settings.database.url)}, " + (
        f"redis {redact_url(settings.redis.url)}" if settings.redis.url else "in-process cache and bus"
    )


def ensure_master_key_file(path: Path) -> None:
    """The embedded default's master key: made once, readable by its owner only."""
    ensure_key_file(path, new_master_key)


def ensure_key_file(path: Path, new_key: Callable[[], str]) -> None:
    """A key of the embedded default: made once, readable by its owner only."""
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(new_key())


if __name__ == "__main__":
    sys.exit(main())
