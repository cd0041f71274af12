"""The database under test, on SQLite (a fresh file per test) and PostgreSQL (a fresh database
per session, emptied before each test), migrated with ``adapters.db.migrate.upgrade``."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from adapters.db.engine import create_engine, session_factory
from adapters.db.migrate import upgrade
from adapters.db.outbox import SqlOutboxStore
from adapters.db.settings import DatabaseSettings
from adapters.db.tables import audit_chain_heads, audit_log, outbox
from adapters.db.uow import SqlUnitOfWork
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.ports.events import Event

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Database:
    settings: DatabaseSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self, audit_chain: str = "default") -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, SystemClock(), audit_chain=audit_chain)

    def outbox_store(self, engine: AsyncEngine | None = None) -> SqlOutboxStore:
        return SqlOutboxStore(engine or self.engine, SystemClock())


@asynccontextmanager
async def empty_postgres_database(dsn: str) -> AsyncIterator[DatabaseSettings]:
    """A uniquely named, empty database on the server of ``dsn``, dropped afterwards."""
    server = create_async_engine(dsn, isolation_level="AUTOCOMMIT")
    name = f"bhiv_test_{uuid.uuid4().hex[:12]}"
    quoted = server.dialect.identifier_preparer.quote(name)
    try:
        async with server.connect() as connection:
            await connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
        url = make_url(dsn).set(database=name).render_as_string(hide_password=False)
        yield DatabaseSettings(url=url)
    finally:
        async with server.connect() as connection:
            await connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        await server.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgres_settings(postgres_dsn: str) -> AsyncIterator[DatabaseSettings]:
    """One migrated database for the whole session; ``database`` empties it before each test."""
    async with empty_postgres_database(postgres_dsn) as settings:
        await upgrade(settings)
        yield settings


@pytest.fixture(params=BACKENDS)
def database_settings(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseSettings:
    """Settings of a migrated, empty database."""
    if request.param == "postgres":
        settings: DatabaseSettings = request.getfixturevalue("postgres_settings")
        return settings
    return DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}")


@pytest_asyncio.fixture
async def database(database_settings: DatabaseSettings) -> AsyncIterator[Database]:
    if database_settings.is_sqlite:
        await upgrade(database_settings)
    engine = create_engine(database_settings)
    async with engine.begin() as connection:
        await connection.execute(delete(outbox))
        if not database_settings.is_sqlite:
            # The append-only triggers refuse this to the application; a superuser may switch
            # them off for one transaction (tests run as one).
            await connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            await connection.execute(delete(audit_log))
            await connection.execute(delete(audit_chain_heads))
    try:
        yield Database(database_settings, engine, session_factory(engine))
    finally:
        await engine.dispose()


_ids = Uuid7IdGenerator()
_clock = SystemClock()


def new_event(*, occurred_at: datetime | None = None, event_type: str = "test.happened") -> Event:
    event_id = _ids.new_id()
    return Event(
        id=event_id,
        type=event_type,
        payload=b'{"id": "%s"}' % event_id.encode(),
        occurred_at=occurred_at or _clock.now(),
        correlation_id="corr-1",
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )


async def commit_events(database: Database, *events: Event, stream: str = "orders") -> None:
    async with database.unit_of_work() as uow:
        for event in events:
            uow.outbox.add(stream, event)
        await uow.commit()


async def write_events(database: Database, count: int, stream: str = "orders") -> list[str]:
    """Commit ``count`` new events in one unit of work; returns their ids in the order added."""
    events = [new_event() for _ in range(count)]
    await commit_events(database, *events, stream=stream)
    return [event.id for event in events]
