import contextlib
import os
import ssl
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext import asyncio as sqlalchemy_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.db.settings import DatabaseSettings

READ_ONLY = "bhiv_read_only"
"""Execution option: ``await conn.execution_options(**{READ_ONLY: True})`` for transactions that
never write, so that on SQLite they do not wait for (or hold) the write lock."""

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    url = make_url(settings.url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings)
    # Looked up when called: OpenTelemetry's instrumentation wraps it (apps/_shared/observability.py).
    engine = sqlalchemy_asyncio.create_async_engine(
        url,
        echo=settings.echo,
        hide_parameters=True,  # error logs quote statements, never what users typed into them
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout_seconds,
        connect_args={"timeout": settings.connect_timeout_seconds, "ssl": postgres_ssl(settings)},
    )
    _ping_when_idle(engine, settings.ping_idle_after_seconds)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """``pool_pre_ping``, for connections that sat idle: SQLAlchemy's asyncpg ping is three round
    trips (BEGIN, an empty query, ROLLBACK), which on every checkout was a fifth of an order's
    round trips. A connection back from work within ``idle_seconds`` was alive then; one the
    server dropped meanwhile (a restart) fails its one request, and that disconnect makes the pool
    discard every connection older than it (SQLAlchemy's pool invalidation). Decision 0032."""

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at <= idle_seconds:
            return  # new, or busy a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out another (a new one if need be).
            raise DisconnectionError("an idle pooled connection failed its ping") from error

    event.listen(engine.sync_engine, "checkin", checked_in)
    event.listen(engine.sync_engine, "checkout", checked_out)


_RETURNED_AT = "bhiv_returned_at"


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def postgres_ssl(settings: DatabaseSettings) -> ssl.SSLContext | str | bool:
    """asyncpg's ``ssl=`` argument for a libpq ``sslmode``."""
    mode = settings.sslmode
    if mode is None or mode in ("allow", "prefer"):
        # asyncpg understands these two itself: try TLS, fall back to plain text.
        return mode or "prefer"
    if mode == "disable":
        return False
    context = ssl.create_default_context(cafile=settings.ssl_root_cert)
    # libpq's "require" checks the CA only when a root certificate was given.
    verify = mode != "require" or settings.ssl_root_cert is not None
    context.check_hostname = mode == "verify-full"
    context.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    if settings.ssl_cert:
        context.load_cert_chain(settings.ssl_cert, settings.ssl_key)
    return context


def _sqlite_engine(url: URL, settings: DatabaseSettings) -> AsyncEngine:
    options: dict[str, Any] = {"echo": settings.echo, "hide_parameters": True}
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        _create_private_file(Path(url.database).expanduser())
        options |= {
            "pool_size": settings.pool_size,
            "max_overflow": settings.max_overflow,
            "pool_timeout": settings.pool_timeout_seconds,
        }
    # Looked up when called: OpenTelemetry's instrumentation wraps it (apps/_shared/observability.py).
    engine = sqlalchemy_asyncio.create_async_engine(url, **options)
    event.listen(engine.sync_engine, "connect", _prepare_sqlite_connection)
    event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _create_private_file(path: Path) -> None:
    """The database holds password hashes and sealed keys: a new file is readable by its owner
    only (SQLite gives its -wal and -shm files the database file's mode), in a new directory
    only its owner can enter. Existing files and directories keep the mode they have."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # an existing database is left as it is
        # An empty file is an empty database to SQLite.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _prepare_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the driver so that _begin_immediate decides how
    # a transaction starts (and so that DDL in migrations is transactional).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
    # another writer got in between; IMMEDIATE takes the write lock up front, so busy_timeout
    # makes concurrent writers (relays, requests) wait their turn instead.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
