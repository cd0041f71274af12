from typing import Literal

import msgspec

ENV_PREFIX = "BHIV_DATABASE_"

SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


class DatabaseSettings(msgspec.Struct, frozen=True):
    """Where the relational store lives; loaded with ``load_settings(DatabaseSettings, ENV_PREFIX)``.

    ``sqlite+aiosqlite:///path`` is the embedded default; ``postgresql+asyncpg://...`` is
    production, where ``sslmode`` follows libpq's meaning of each mode.
    """

    url: str = "sqlite+aiosqlite:///.bhiv/bhiv.db"
    pool_size: int = 10
    max_overflow: int = 10
    pool_timeout_seconds: float = 10.0
    connect_timeout_seconds: float = 5.0
    ping_idle_after_seconds: float = 1.0
    """PostgreSQL: a pooled connection idle longer than this is pinged before it is handed out."""
    echo: bool = False
    sslmode: SslMode | None = None
    ssl_root_cert: str | None = None
    ssl_cert: str | None = None
    ssl_key: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")
