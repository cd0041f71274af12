"""Alembic environment: runs on a connection handed over by ``adapters.db.migrate``.

Run without one (``alembic -c ...``), it builds the engine from ``sqlalchemy.url`` itself.
"""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from adapters.db.engine import create_engine
from adapters.db.settings import DatabaseSettings
from adapters.db.tables import metadata

config = context.config


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = create_engine(DatabaseSettings(url=url))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


def run_offline(url: str) -> None:
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    run_offline(config.get_main_option("sqlalchemy.url", ""))
elif connection is not None:
    run_on(connection)
else:
    asyncio.run(run_with_own_engine(config.get_main_option("sqlalchemy.url", "")))
