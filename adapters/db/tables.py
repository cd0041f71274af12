from sqlalchemy import Column, Index, Integer, LargeBinary, MetaData, String, Table, Text

from adapters.db.column_types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

outbox = Table(
    "outbox",
    metadata,
    Column("id", String(36), primary_key=True, comment="the event's UUIDv7"),
    Column("stream", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("correlation_id", String(200)),
    Column("traceparent", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("lease_owner", Text),
    Column("lease_until", UtcDateTime),
    Column("published_at", UtcDateTime),
)

# The relay's hot path: unpublished rows, oldest first. Partial, so it stays small.
Index(
    "ix_outbox_unpublished",
    outbox.c.created_at,
    outbox.c.id,
    postgresql_where=outbox.c.published_at.is_(None),
    sqlite_where=outbox.c.published_at.is_(None),
)
