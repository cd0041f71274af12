"""Identity use cases run from the ``bhiv`` command, through the gateway's own wiring, so a
change made on the command line is validated and audited exactly like one made over HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dishka import AsyncContainer

from apps._shared.app import service_container
from apps._shared.settings import PlatformSettings
from apps.gateway.main import SPEC
from core.domain.audit.model import Actor, Invocation
from core.domain.identity.model import User
from core.domain.identity.use_cases import (
    CreateUser,
    EnsureFirstAdmin,
    EnsureServiceClient,
    FirstAdmin,
    IssuedClient,
    KnownClient,
    NewServiceClient,
    NewUser,
)
from core.domain.identity.use_cases.keys import RotateSigningKey

COMMAND_LINE = Invocation(actor=Actor.system("bhiv-cli"))


@asynccontextmanager
async def gateway_request(settings: PlatformSettings) -> AsyncIterator[AsyncContainer]:
    container = service_container(SPEC, settings)
    try:
        async with container() as request:
            yield request
    finally:
        await container.close()


async def ensure_first_admin(settings: PlatformSettings) -> FirstAdmin | None:
    """From ``BHIV_ADMIN_EMAIL`` / ``BHIV_ADMIN_PASSWORD``; None when an admin already exists."""
    async with gateway_request(settings) as request:
        bootstrap = await request.get(EnsureFirstAdmin)
        return await bootstrap.execute(settings.admin.email, settings.admin.password)


async def create_user(settings: PlatformSettings, command: NewUser) -> User:
    async with gateway_request(settings) as request:
        return await (await request.get(CreateUser)).execute(command, COMMAND_LINE)


async def rotate_signing_key(settings: PlatformSettings) -> str:
    async with gateway_request(settings) as request:
        return await (await request.get(RotateSigningKey)).execute(COMMAND_LINE)


async def ensure_service_client(
    settings: PlatformSettings, wanted: NewServiceClient, known: KnownClient | None
) -> IssuedClient:
    async with gateway_request(settings) as request:
        return await (await request.get(EnsureServiceClient)).execute(wanted, known, COMMAND_LINE)
