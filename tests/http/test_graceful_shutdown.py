"""Stopping a service lets the requests it is serving finish."""

import asyncio

import httpx
import uvicorn
from litestar import get

from adapters.http.access import PUBLIC
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.server import server_config
from apps._shared.settings import PlatformSettings
from tests.support.processes import free_port_block


@get("/v1/report", opt=PUBLIC)
async def slow_report() -> dict[str, str]:
    await asyncio.sleep(0.5)
    return {"status": "complete"}


async def test_a_request_in_flight_when_shutdown_begins_still_completes(settings: PlatformSettings) -> None:
    app = build_service_app(
        ServiceSpec(name="reports", title="Reports", description="", route_handlers=[slow_report]), settings
    )
    port = free_port_block(1)
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, 5.0))
    serving = asyncio.create_task(server.serve())
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(100):
            try:
                await client.get("/health/live")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
        in_flight = asyncio.create_task(client.get("/v1/report"))
        await asyncio.sleep(0.1)
        server.should_exit = True
        response = await in_flight
    await asyncio.wait_for(serving, timeout=10)

    assert response.status_code == 200
    assert response.json() == {"status": "complete"}
