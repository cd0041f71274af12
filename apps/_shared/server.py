"""Running services on hypercorn: one per process (``bhiv serve``) or all six (``bhiv up``)."""

import asyncio
import logging
import signal
import time
from collections.abc import Callable, Mapping

import httpx
from hypercorn.asyncio import serve
from hypercorn.config import Config
from litestar import Litestar

log = logging.getLogger("bhiv.server")
ReadyCallback = Callable[[Mapping[str, str], float], None]
"""Called once every service answers ``/health/live``: URLs by service, seconds since start."""


def hypercorn_config(host: str, port: int, graceful_timeout: float) -> Config:
    config = Config()
    config.bind = [f"{host}:{port}"]
    config.graceful_timeout = graceful_timeout  # in-flight requests finish before exit
    config.accesslog = None  # the edge middleware writes the access log, as JSON
    config.errorlog = logging.getLogger("hypercorn.error")
    return config


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def serve_apps(
    apps: Mapping[str, tuple[Litestar, Config]], *, on_ready: ReadyCallback | None = None
) -> None:
    """Serve every app until SIGINT/SIGTERM; then each finishes its in-flight requests."""
    stop = asyncio.Event()
    _stop_on_signals(stop)
    started = time.perf_counter()
    servers = [
        asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))  # type: ignore[arg-type]
        for app, config in apps.values()
    ]
    watcher = None
    if on_ready is not None:
        urls = {name: f"http://{config.bind[0]}" for name, (_, config) in apps.items()}
        watcher = asyncio.create_task(_announce_when_live(urls, started, on_ready))
    try:
        done, _ = await asyncio.wait(servers, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        if watcher is not None:  # a stop before every service was live must not wait for them
            watcher.cancel()
    failures = [task.exception() for task in done if task.exception() is not None]
    if failures:
        stop.set()
        for task in servers:
            task.cancel()
        await asyncio.gather(*servers, return_exceptions=True)
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
