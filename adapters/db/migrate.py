"""Schema migrations, run from code (``bhiv migrate``, tests, start-up); no alembic.ini needed."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from adapters.db.engine import READ_ONLY, create_engine
from adapters.db.settings import DatabaseSettings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(settings: DatabaseSettings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The config is an INI parser: a literal "%" (URL-encoded passwords) must be doubled.
    config.set_main_option("sqlalchemy.url", settings.url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config(DatabaseSettings())).get_current_head()


async def upgrade(settings: DatabaseSettings, revision: str = "head") -> None:
    """Migrate the database named by ``settings`` up to ``revision``, in one transaction."""
    config = alembic_config(settings)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def current_revision(settings: DatabaseSettings) -> str | None:
    """The revision the database is at; None for a database never migrated."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(**{READ_ONLY: True})
            return await connection.run_sync(read)
    finally:
        await engine.dispose()
