"""ASGI entry point for external servers: ``hypercorn apps.llm.asgi:app``."""

from apps.llm.main import create_app

app = create_app()
