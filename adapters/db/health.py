import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import READ_ONLY
from adapters.db.errors import translate_errors
from core.ports.errors import UpstreamTimeout
from core.ports.health import HealthProbe


class SqlHealthProbe(HealthProbe):
    name = "database"

    def __init__(self, engine: AsyncEngine, *, timeout_seconds: float = 2.0) -> None:
        self._engine = engine
        self._timeout_seconds = timeout_seconds

    async def check(self) -> None:
        try:
            async with asyncio.timeout(self._timeout_seconds):
                with translate_errors():
                    async with self._engine.connect() as connection:
                        await connection.execution_options(**{READ_ONLY: True})
                        await connection.execute(text("SELECT 1"))
        except TimeoutError:
            raise UpstreamTimeout(f"database did not answer within {self._timeout_seconds:g}s") from None
