"""The peers' adapters: one pooled HTTP client, closed with the container."""

from collections.abc import AsyncIterator
from typing import NewType

import httpx
from dishka import Provider, Scope, provide

from adapters.peers.crm import BearerToken, HttpCustomerDirectory
from core.ports.identity import CustomerDirectory

CrmUpstreams = NewType("CrmUpstreams", tuple[str, ...])
"""Base URLs of CRM's replicas, as the gateway routes to them."""
CrmToken = NewType("CrmToken", BearerToken)  # type: ignore[valid-newtype]
"""Where the caller's bearer token for CRM comes from."""


class PeersProvider(Provider):
    scope = Scope.APP

    @provide
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, connect=1.0)) as client:
            yield client

    @provide
    def customers(
        self, client: httpx.AsyncClient, upstreams: CrmUpstreams, token: CrmToken
    ) -> CustomerDirectory:
        return HttpCustomerDirectory(client, upstreams, token)
