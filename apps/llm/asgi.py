"""ASGI entry point for external servers: ``uvicorn apps.llm.asgi:app``."""

from apps.llm.main import create_app

app = create_app()
