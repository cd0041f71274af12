"""ASGI entry point for external servers: ``uvicorn apps.integrations.asgi:app``."""

from apps.integrations.main import create_app

app = create_app()
