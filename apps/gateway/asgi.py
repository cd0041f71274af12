"""ASGI entry point for external servers: ``uvicorn apps.gateway.asgi:app``."""

from apps.gateway.main import create_app

app = create_app()
