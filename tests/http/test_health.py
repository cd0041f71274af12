"""Every service answers liveness, readiness (with the state of each dependency) and metrics."""

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from adapters.db.migrate import upgrade
from adapters.db.settings import DatabaseSettings
from adapters.jose.sealing import new_master_key
from adapters.jose.settings import AuthSettings
from adapters.redis.settings import RedisSettings
from apps._shared.settings import PlatformSettings
from apps.services import SERVICES, create_service_app
from tests.support.postgres import fresh_database
from tests.support.tcp_proxy import TcpProxy

UNREACHABLE_POSTGRES = "postgresql+asyncpg://bhiv:hunter2@127.0.0.1:1/bhiv"
PATIENCE = 60.0
"""Connection timeouts, and how long readiness may take to come back: a busy machine's, not the
subject here (a server taken away refuses connections at once)."""


async def ready(client: AsyncTestClient[Any]) -> Any:
    """The readiness answer once it is 200: the database probe gives up after 2 s, and a busy
    machine may take longer to connect, to a dependency just back in particular."""
    deadline = time.monotonic() + PATIENCE
    while (response := await client.get("/health/ready")).status_code != 200:
        assert time.monotonic() < deadline, response.text
        await asyncio.sleep(0.1)
    return response


@pytest.mark.parametrize("service", SERVICES)
async def test_every_service_is_live_ready_and_measured(settings: PlatformSettings, service: str) -> None:
    async with AsyncTestClient(create_service_app(service, settings)) as client:
        assert (await client.get("/health/live")).json() == {"status": "ok"}
        own = {"gateway": {"signing_keys": "ok"}, "integrations": {"seal_key": "ok"}}.get(service, {})
        assert (await ready(client)).json()["checks"] == {"database": "ok", **own}
        metrics = await client.get("/metrics")
        assert f'service="{service}"' in metrics.text
        assert (await client.get("/openapi/openapi.json")).json()["info"]["title"].startswith("BHIV")


async def test_readiness_is_503_naming_the_database_when_it_is_unreachable(
    settings: PlatformSettings,
) -> None:
    broken = msgspec.structs.replace(
        settings, database=DatabaseSettings(url=UNREACHABLE_POSTGRES, connect_timeout_seconds=0.5)
    )
    async with AsyncTestClient(create_service_app("logistics", broken)) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["checks"]["database"] != "ok"
    assert "database" in body["detail"]
    assert "hunter2" not in response.text


async def test_the_gateway_is_not_ready_when_its_signing_key_does_not_open(
    settings: PlatformSettings,
) -> None:
    """A wrong master key: the database answers, but no token could be signed."""
    async with AsyncTestClient(create_service_app("gateway", settings)) as client:
        assert (await client.get("/health/ready")).status_code == 200
    wrong_key = new_master_key()
    wrong = msgspec.structs.replace(settings, auth=AuthSettings(master_key=wrong_key))

    async with AsyncTestClient(create_service_app("gateway", wrong)) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"] == "unavailable: signing_keys"
    assert body["checks"]["database"] == "ok"
    assert "does not open with this master key" in body["checks"]["signing_keys"]
    assert "BHIV_AUTH_MASTER_KEY" in body["checks"]["signing_keys"]
    assert wrong_key not in response.text
    assert settings.auth.master_key not in response.text


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    credentials = f"{netloc[0]}@" if len(netloc) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))


@pytest.mark.postgres
async def test_readiness_follows_postgresql_going_away_and_coming_back(
    settings: PlatformSettings, postgres_dsn: str
) -> None:
    target = urlsplit(postgres_dsn)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxy.start()
    # A database of its own: the shared one may hold another branch's migrations.
    async with fresh_database(postgres_dsn) as own:
        database = DatabaseSettings(url=_through(proxy, own), connect_timeout_seconds=PATIENCE)
        await upgrade(database)
        async with AsyncTestClient(
            create_service_app("logistics", msgspec.structs.replace(settings, database=database))
        ) as client:
            await ready(client)
            proxy.stop()
            down = await client.get("/health/ready")
            assert down.status_code == 503
            assert down.json()["checks"]["database"] != "ok"
            proxy.start()
            await ready(client)
    proxy.close()


@pytest.mark.redis
async def test_readiness_checks_redis_when_the_service_uses_it(
    settings: PlatformSettings, redis_url: str
) -> None:
    target = urlsplit(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    proxy.start()
    with_redis = msgspec.structs.replace(
        settings, redis=RedisSettings(url=_through(proxy, redis_url), socket_timeout_seconds=PATIENCE)
    )
    async with AsyncTestClient(create_service_app("gateway", with_redis)) as client:
        checks = (await ready(client)).json()["checks"]
        assert checks == {"database": "ok", "redis": "ok", "signing_keys": "ok"}
        proxy.stop()
        down = await client.get("/health/ready")
        assert down.status_code == 503
        assert down.json()["checks"]["redis"] != "ok"
        proxy.start()
        await ready(client)
    proxy.close()
