"""All six services in-process on one database and one in-process state, as ``bhiv up`` runs them.
The gateway's calls to CRM (checking a customer login's customer) reach the CRM app in-process."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from dishka import Provider, Scope, provide
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from adapters.peers.ioc import CrmUpstreams
from apps._shared.settings import PlatformSettings
from apps.services import SERVICES, create_service_app
from tests.support.wiring import FastHashing

Clients = dict[str, AsyncTestClient]  # type: ignore[type-arg]
CRM_IN_PROCESS = "http://crm.in-process"


class CrmInProcess(Provider):
    """The gateway's peer client speaks HTTP to the CRM app itself, over an ASGI transport."""

    def __init__(self, crm: Litestar) -> None:
        super().__init__(scope=Scope.APP)
        self._crm = crm

    @provide(override=True)
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self._crm)) as client:
            yield client

    @provide(override=True)
    def upstreams(self) -> CrmUpstreams:
        return CrmUpstreams((CRM_IN_PROCESS,))


@asynccontextmanager
async def running_platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    shared = MemoryProvider(MemoryState(), override=True)
    async with AsyncExitStack() as stack:
        apps = {name: create_service_app(name, settings, shared) for name in SERVICES if name != "gateway"}
        apps["gateway"] = create_service_app(
            "gateway", settings, shared, FastHashing(), CrmInProcess(apps["crm"])
        )
        clients: Clients = {}
        for name in SERVICES:
            clients[name] = await stack.enter_async_context(AsyncTestClient(apps[name]))
        yield clients
