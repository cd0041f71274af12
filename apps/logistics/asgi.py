"""ASGI entry point for external servers: ``uvicorn apps.logistics.asgi:app``."""

from apps.logistics.main import create_app

app = create_app()
