"""Stopping a service lets the requests it is serving finish."""

import asyncio
import time
from collections.abc import Callable

import httpx
import uvicorn
from litestar import get

from adapters.http.access import PUBLIC
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.server import server_config
from apps._shared.settings import PlatformSettings
from tests.support.processes import free_port_block

PATIENCE = 60.0
"""How long a step that takes milliseconds may take on a busy machine."""


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {PATIENCE} s"
        await asyncio.sleep(0.01)


async def test_a_request_in_flight_when_shutdown_begins_still_completes(settings: PlatformSettings) -> None:
    handling, shutting_down = asyncio.Event(), asyncio.Event()

    @get("/v1/report", opt=PUBLIC)
    async def slow_report() -> dict[str, str]:
        handling.set()
        await shutting_down.wait()  # still at work when the shutdown begins, however slow the machine,
        await asyncio.sleep(0.5)  # and for a while into it
        return {"status": "complete"}

    app = build_service_app(
        ServiceSpec(name="reports", title="Reports", description="", route_handlers=[slow_report]), settings
    )
    port = free_port_block(1)
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, PATIENCE))
    serving = asyncio.create_task(server.serve())
    await until(lambda: server.started or serving.done(), "the server's start")
    assert server.started, serving
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=PATIENCE) as client:
        in_flight = asyncio.create_task(client.get("/v1/report"))
        await asyncio.wait_for(handling.wait(), PATIENCE)
        server.should_exit = True
        await until(lambda: not any(listener.is_serving() for listener in server.servers), "the shutdown")
        shutting_down.set()
        response = await in_flight
    await asyncio.wait_for(serving, timeout=PATIENCE)

    assert response.status_code == 200
    assert response.json() == {"status": "complete"}
