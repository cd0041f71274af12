"""The six services by name, each built by its own ``apps/<name>/main.create_app``."""

import importlib

from dishka import Provider
from litestar import Litestar

from apps._shared.settings import SERVICE_PORTS, PlatformSettings

SERVICES = tuple(SERVICE_PORTS)


def create_service_app(name: str, settings: PlatformSettings, *overrides: Provider) -> Litestar:
    if name not in SERVICE_PORTS:
        raise ValueError(f"unknown service {name!r}; choose from {', '.join(SERVICES)}")
    module = importlib.import_module(f"apps.{name}.main")
    app: Litestar = module.create_app(settings, *overrides)
    return app
