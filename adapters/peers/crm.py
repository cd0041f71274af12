"""``CustomerDirectory`` over CRM's HTTP API: ``GET /v1/customers/{id}`` with a bearer token."""

from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import quote

import httpx

from core.ports.errors import DependencyUnavailable
from core.ports.identity import CustomerDirectory

BearerToken = Callable[[], Awaitable[str]]


class HttpCustomerDirectory(CustomerDirectory):
    """Asks each of CRM's upstreams in turn until one answers: 200 is a customer (unless erased),
    404 is none;
    anything else (no connection, a timeout, 5xx, a refused token) tries the next, and when none
    answers the check fails closed with ``DependencyUnavailable``."""

    def __init__(self, client: httpx.AsyncClient, upstreams: Sequence[str], token: BearerToken) -> None:
        self._client, self._upstreams, self._token = client, list(upstreams), token

    async def exists(self, customer_id: str) -> bool:
        path = f"/v1/customers/{quote(customer_id, safe='')}"
        headers = {"Authorization": f"Bearer {await self._token()}"}
        for upstream in self._upstreams:
            try:
                answer = await self._client.get(upstream.rstrip("/") + path, headers=headers)
            except httpx.HTTPError:
                continue
            if answer.status_code == 200:
                # An erased customer's record stays as a tombstone; nobody signs in as it again.
                return bool(answer.json().get("status") != "erased")
            if answer.status_code == 404:
                return False
        raise DependencyUnavailable("CRM did not answer, so the customer could not be checked; try again")
