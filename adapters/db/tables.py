from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(36), primary_key=True, comment="the record's UUIDv7"),
    Column("chain", String(100), nullable=False, comment="one hash chain per service"),
    Column("seq", BigInteger, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("actor_id", String(200), nullable=False),
    Column("actor_kind", String(20), nullable=False),
    Column("actor_role", String(50)),
    Column("action", String(100), nullable=False),
    Column("resource_type", String(100), nullable=False),
    Column("resource_id", String(200), nullable=False),
    Column("changes", Text, nullable=False, comment="JSON: field -> {before, after, redacted}"),
    Column("correlation_id", String(200)),
    Column("client_ip", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("chain", "seq"),
    comment="append-only: triggers refuse UPDATE, DELETE and TRUNCATE",
)
Index("ix_audit_log_occurred_at_id", audit_log.c.occurred_at, audit_log.c.id)
Index("ix_audit_log_actor_id", audit_log.c.actor_id, audit_log.c.occurred_at)
Index("ix_audit_log_resource", audit_log.c.resource_type, audit_log.c.resource_id, audit_log.c.occurred_at)
Index("ix_audit_log_action", audit_log.c.action, audit_log.c.occurred_at)

audit_chain_heads = Table(
    "audit_chain_heads",
    metadata,
    Column("chain", String(100), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    comment="the last record of each chain; its row lock serialises appends to the chain",
)
