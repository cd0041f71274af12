"""Running services on uvicorn (httptools parser): one per process (``bhiv serve``) or all six
in one event loop (``bhiv up``). Chosen by measurement over hypercorn: docs/decisions/0016."""

import asyncio
import contextlib
import logging
import math
import signal
import time
from collections.abc import Callable, Iterator, Mapping

import httpx
import uvicorn
from litestar import Litestar

from apps._shared.settings import local_url

log = logging.getLogger("bhiv.server")
ReadyCallback = Callable[[Mapping[str, str], float], None]
"""Called once every service answers ``/health/live``: URLs by service, seconds since start."""


def server_config(app: Litestar, host: str, port: int, graceful_timeout: float) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="none",  # runs in the caller's loop
        http="httptools",
        ws="none",
        lifespan="on",
        # The client IP is the socket peer; only the gateway's own trusted-proxy rule may
        # replace it, so uvicorn must not rewrite it from X-Forwarded-For.
        proxy_headers=False,
        server_header=False,
        access_log=False,  # the edge middleware writes the access log, as JSON
        log_config=None,
        timeout_graceful_shutdown=math.ceil(graceful_timeout),  # in-flight requests finish first
    )


class StartupFailed(RuntimeError):
    """A service's lifespan failed at start; its log holds the cause."""


class _Server(uvicorn.Server):
    """Several servers share one loop, so signals are handled once, by ``serve_apps``."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _run(name: str, server: _Server) -> None:
    try:
        await server.serve()
    except SystemExit as exit_:  # uvicorn exits when the app's start-up fails
        raise StartupFailed(f"the {name} service did not start; its log says why") from exit_


def _stop_on_signals(servers: list[_Server]) -> None:
    def stop() -> None:
        for server in servers:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)


async def serve_apps(apps: Mapping[str, uvicorn.Config], *, on_ready: ReadyCallback | None = None) -> None:
    """Serve every app until SIGINT/SIGTERM; then each finishes its in-flight requests."""
    started = time.perf_counter()
    servers = {name: _Server(config) for name, config in apps.items()}
    _stop_on_signals(list(servers.values()))
    tasks = [asyncio.create_task(_run(name, server)) for name, server in servers.items()]
    watcher = None
    if on_ready is not None:
        urls = {name: local_url(config.host, config.port) for name, config in apps.items()}
        watcher = asyncio.create_task(_announce_when_live(urls, started, on_ready))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        if watcher is not None:  # a stop before every service was live must not wait for them
            watcher.cancel()
    failures = [task.exception() for task in done if task.exception() is not None]
    if failures:
        for server in servers.values():
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        raise failures[0]  # type: ignore[misc]


async def _announce_when_live(urls: Mapping[str, str], started: float, on_ready: ReadyCallback) -> None:
    async with httpx.AsyncClient(timeout=1.0) as client:
        for url in urls.values():
            while True:
                try:
                    if (await client.get(f"{url}/health/live")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
    on_ready(urls, time.perf_counter() - started)
