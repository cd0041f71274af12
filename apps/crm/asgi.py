"""ASGI entry point for external servers: ``uvicorn apps.crm.asgi:app``."""

from apps.crm.main import create_app

app = create_app()
