"""The ``bhiv`` command."""

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import msgspec

from apps._shared.config import ConfigError, redact_url
from apps._shared.settings import SERVICE_PORTS, PlatformSettings, load_platform_settings


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, not a usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bhiv", description="BHIV Core: AI agents and the business services around them.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    up = commands.add_parser("up", help="all six services in one process on the embedded default")
    up.add_argument("--data-dir", type=Path, default=Path(".bhiv"), help="SQLite file lives here")
    up.add_argument("--host", default=None, help="interface to listen on (default 127.0.0.1)")
    up.add_argument("--base-port", type=int, default=8000, help="gateway port; the others follow")

    serve = commands.add_parser("serve", help="one service, configured from BHIV_* variables")
    serve.add_argument("service", choices=tuple(SERVICE_PORTS), metavar="SERVICE")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--revision", default="head")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_platform_settings()
    except ConfigError as error:
        print(f"bhiv: configuration error: {error}", file=sys.stderr)
        return 2
    from apps import commands  # imported late: argument errors stay fast

    try:
        if args.command == "up":
            return asyncio.run(commands.up(_embedded(settings, args), args.base_port))
        if args.command == "serve":
            return asyncio.run(commands.serve(settings, args.service, args.host, args.port, args.migrate))
        if args.command == "migrate":
            return asyncio.run(commands.migrate(settings, args.revision))
    except KeyboardInterrupt:
        return 130
    except commands.StartupError as error:
        print(f"bhiv: {error}", file=sys.stderr)
        return 1
    return 2


def _embedded(settings: PlatformSettings, args: argparse.Namespace) -> PlatformSettings:
    """``bhiv up`` keeps whatever the environment sets and fills the rest with embedded parts."""
    database = settings.database
    if "BHIV_DATABASE_URL" not in os.environ:
        database = msgspec.structs.replace(
            database, url=f"sqlite+aiosqlite:///{(args.data_dir / 'bhiv.db').resolve()}"
        )
    http = settings.http if args.host is None else msgspec.structs.replace(settings.http, host=args.host)
    return msgspec.structs.replace(settings, database=database, http=http)


def describe(settings: PlatformSettings) -> str:
    return f"database {redact_url(settings.database.url)}, " + (
        f"redis {redact_url(settings.redis.url)}" if settings.redis.url else "in-process cache and bus"
    )


if __name__ == "__main__":
    sys.exit(main())
