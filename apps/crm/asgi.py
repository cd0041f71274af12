"""ASGI entry point for external servers: ``hypercorn apps.crm.asgi:app``."""

from apps.crm.main import create_app

app = create_app()
