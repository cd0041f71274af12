"""The embedded database holds password hashes and sealed signing keys: only its owner reads it."""

import stat
from pathlib import Path

from sqlalchemy import text

from adapters.db.engine import create_engine
from adapters.db.migrate import upgrade
from adapters.db.settings import DatabaseSettings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_sqlite_database_and_its_wal_are_created_0600_in_a_0700_directory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "bhiv.db"
    settings = DatabaseSettings(url=f"sqlite+aiosqlite:///{path}")
    await upgrade(settings)
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE probe (n INTEGER)"))
            assert mode(path.with_name("bhiv.db-wal")) == 0o600
    finally:
        await engine.dispose()

    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


async def test_an_existing_database_file_and_directory_keep_their_modes(tmp_path: Path) -> None:
    """The operator's choice stands; only what bhiv creates is made private."""
    path = tmp_path / "bhiv.db"
    path.touch(mode=0o640)
    path.chmod(0o640)

    await upgrade(DatabaseSettings(url=f"sqlite+aiosqlite:///{path}"))

    assert mode(path) == 0o640
