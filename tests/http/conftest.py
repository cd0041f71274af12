from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.db.migrate import upgrade
from adapters.db.settings import DatabaseSettings
from adapters.jose.sealing import new_master_key
from adapters.jose.settings import AuthSettings
from apps._shared.settings import HttpSettings, OutboxSettings, PlatformSettings

_exporter = InMemorySpanExporter()


@pytest.fixture(scope="session")
def finished_spans() -> InMemorySpanExporter:
    """Every span the apps under test end, in memory (the global provider is set once)."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_exporter))
    trace.set_tracer_provider(provider)
    return _exporter


@pytest.fixture
async def settings(tmp_path: Path) -> PlatformSettings:
    """The embedded default in a temporary directory, migrated."""
    database = DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}")
    await upgrade(database)
    return PlatformSettings(
        database=database,
        http=HttpSettings(max_body_bytes=1024, access_log=False),
        outbox=OutboxSettings(relay_enabled=False),
        auth=AuthSettings(master_key=new_master_key()),
    )
