"""ASGI entry point for external servers: ``uvicorn apps.orchestration.asgi:app``."""

from apps.orchestration.main import create_app

app = create_app()
