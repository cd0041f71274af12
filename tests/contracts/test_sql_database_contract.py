"""Migrations, the health probe, time zones and stale pooled connections, on SQLite and PostgreSQL."""

import asyncio
import shutil
import ssl
import threading
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import msgspec
import pytest
from dishka import make_async_container
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.audit import AuditChain
from adapters.db.engine import create_engine, postgres_ssl
from adapters.db.health import SqlHealthProbe
from adapters.db.ioc import DatabaseProvider
from adapters.db.migrate import current_revision, head_revision, upgrade
from adapters.db.settings import ENV_PREFIX, DatabaseSettings, SslMode
from apps._shared.config import ConfigError, load_settings
from apps._shared.ioc import PlatformProvider
from apps._shared.settings import PlatformSettings
from core.ports.errors import Unavailable
from core.ports.health import HealthProbe
from core.ports.outbox import OutboxStore
from core.ports.uow import UnitOfWork
from tests.contracts.db_fixtures import BACKENDS, Database, commit_events, empty_postgres_database, new_event


@asynccontextmanager
async def empty_sqlite_database(path: Path) -> AsyncIterator[DatabaseSettings]:
    yield DatabaseSettings(url=f"sqlite+aiosqlite:///{path}")


@pytest.fixture(params=BACKENDS)
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AbstractAsyncContextManager[DatabaseSettings]:
    if request.param == "postgres":
        return empty_postgres_database(request.getfixturevalue("postgres_dsn"))
    return empty_sqlite_database(tmp_path / "new" / "bhiv.db")


async def test_migrations_bring_an_empty_database_to_head(
    empty_database: AbstractAsyncContextManager[DatabaseSettings],
) -> None:
    async with empty_database as settings:
        assert await current_revision(settings) is None

        await upgrade(settings)
        await upgrade(settings)

        assert await current_revision(settings) == head_revision() is not None
        engine = create_engine(settings)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        await engine.dispose()
        assert "outbox" in tables


async def test_aware_datetimes_round_trip_as_the_same_instant_in_utc(database: Database) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    occurred_at = datetime(2024, 3, 1, 10, 15, 30, 123456, tzinfo=india)
    await commit_events(database, new_event(occurred_at=occurred_at))

    [record] = await database.outbox_store().claim(owner="a", limit=1, lease_seconds=30)

    assert record.event.occurred_at == occurred_at
    assert record.event.occurred_at.utcoffset() == timedelta(0)
    assert record.event.occurred_at.replace(tzinfo=None) == datetime(2024, 3, 1, 4, 45, 30, 123456)


async def test_a_naive_datetime_is_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await commit_events(database, new_event(occurred_at=datetime(2024, 3, 1)))


async def test_the_health_probe_passes_on_a_live_database(database: Database) -> None:
    probe = SqlHealthProbe(database.engine)

    await probe.check()

    assert probe.name == "database"


@pytest.fixture(params=BACKENDS)
def unreachable_settings(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseSettings:
    if request.param == "postgres":
        url = make_url(request.getfixturevalue("postgres_dsn")).set(host="127.0.0.1", port=1)
        return DatabaseSettings(url=url.render_as_string(hide_password=False))
    return DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'bhiv.db'}")


async def until_worker_threads_end(threads_before: set[threading.Thread]) -> None:
    """Returns once aiosqlite's worker threads started since ``threads_before`` have ended."""
    deadline = time.monotonic() + 30
    while any(
        "_connection_worker_thread" in thread.name and thread.is_alive()
        for thread in set(threading.enumerate()) - threads_before
    ):
        assert time.monotonic() < deadline, "an aiosqlite worker thread did not end"
        await asyncio.sleep(0.01)


async def test_the_health_probe_reports_an_unreachable_database_without_its_address(
    unreachable_settings: DatabaseSettings,
) -> None:
    threads_before = set(threading.enumerate())
    engine = create_engine(unreachable_settings)
    database_file = make_url(unreachable_settings.url).database or ""
    if unreachable_settings.is_sqlite:
        shutil.rmtree(Path(database_file).parent)  # the directory vanished after start-up
    try:
        with pytest.raises(Unavailable) as raised:
            await SqlHealthProbe(engine, timeout_seconds=3).check()
    finally:
        await engine.dispose()
        if unreachable_settings.is_sqlite:
            # aiosqlite stops the worker thread of a failed connection without awaiting it;
            # let it finish while this test's event loop is still open.
            await until_worker_threads_end(threads_before)

    reason = str(raised.value)
    assert reason
    assert "127.0.0.1" not in reason
    assert database_file not in reason


async def test_the_provider_wires_probe_store_and_unit_of_work(database: Database) -> None:
    platform = PlatformSettings(database=database.settings)
    container = make_async_container(
        PlatformProvider(),
        DatabaseProvider(),
        context={PlatformSettings: platform, AuditChain: AuditChain("tests")},
    )
    try:
        [probe] = await container.get(list[HealthProbe])
        await probe.check()
        assert await (await container.get(OutboxStore)).pending_count() == 0
        async with container() as request, await request.get(UnitOfWork) as uow:
            uow.outbox.add("orders", new_event())
            await uow.commit()
        assert await (await container.get(OutboxStore)).pending_count() == 1
    finally:
        await container.close()


def test_sslmode_is_validated_when_settings_are_loaded() -> None:
    with pytest.raises(ConfigError, match="BHIV_DATABASE_SSLMODE"):
        load_settings(DatabaseSettings, ENV_PREFIX, {"BHIV_DATABASE_SSLMODE": "sometimes"})


@pytest.mark.parametrize(
    ("sslmode", "verify_mode", "check_hostname"),
    [
        ("require", ssl.CERT_NONE, False),
        ("verify-ca", ssl.CERT_REQUIRED, False),
        ("verify-full", ssl.CERT_REQUIRED, True),
    ],
)
def test_sslmode_becomes_a_tls_context_for_asyncpg(
    sslmode: SslMode, verify_mode: ssl.VerifyMode, check_hostname: bool
) -> None:
    context = postgres_ssl(DatabaseSettings(url="postgresql+asyncpg://db/x", sslmode=sslmode))

    assert isinstance(context, ssl.SSLContext)
    assert (context.verify_mode, context.check_hostname) == (verify_mode, check_hostname)


def test_sslmode_disable_and_prefer_pass_through_to_asyncpg() -> None:
    assert postgres_ssl(DatabaseSettings(sslmode="disable")) is False
    assert postgres_ssl(DatabaseSettings(sslmode="prefer")) == "prefer"


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


@pytest.mark.postgres
@pytest.mark.parametrize("idle_seconds", [0.0, 3600.0])
async def test_a_pooled_connection_the_server_dropped_is_replaced(
    postgres_settings: DatabaseSettings, idle_seconds: float
) -> None:
    """Idle past the threshold: pinged and replaced unnoticed. Busy a moment ago (no ping): its one
    use fails, and the pool then discards it and every connection as old (decision 0032)."""
    settings = msgspec.structs.replace(postgres_settings, ping_idle_after_seconds=idle_seconds, pool_size=1)
    engine, admin = create_engine(settings), create_engine(postgres_settings)
    try:
        dropped = await backend_pid(engine)
        async with admin.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": dropped})
        if idle_seconds:
            with pytest.raises(DBAPIError):
                await backend_pid(engine)
        assert await backend_pid(engine) != dropped
    finally:
        await engine.dispose()
        await admin.dispose()
