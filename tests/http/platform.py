"""All six services in-process on one database and one in-process state, as ``bhiv up`` runs them."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from litestar.testing import AsyncTestClient

from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.settings import PlatformSettings
from apps.services import SERVICES, create_service_app
from tests.support.wiring import FastHashing

Clients = dict[str, AsyncTestClient]  # type: ignore[type-arg]


@asynccontextmanager
async def running_platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    shared = MemoryProvider(MemoryState(), override=True)
    async with AsyncExitStack() as stack:
        clients: Clients = {}
        for name in SERVICES:
            overrides = [shared, FastHashing()] if name == "gateway" else [shared]
            app = create_service_app(name, settings, *overrides)
            clients[name] = await stack.enter_async_context(AsyncTestClient(app))
        yield clients
