from sqlalchemy import Column, Float, Index, String, Table, Text

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

threat_events = Table(
    "threat_events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("ip", String(64), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("score", Float, nullable=False),
    Column("findings", Text, nullable=False, comment="JSON list of findings"),
    Column("method", String(10), nullable=False),
    Column("path", Text, nullable=False),
    Column("correlation_id", String(200)),
    Column("block_seconds", Float),
    Column("subject", String(200), comment="the authenticated caller: user:<id> or client:<client_id>"),
)
Index("ix_threat_events_occurred_at_id", threat_events.c.occurred_at, threat_events.c.id)
Index("ix_threat_events_ip", threat_events.c.ip)

threat_alerts = Table(
    "threat_alerts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("ip", String(64), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("summary", Text, nullable=False),
    Column("evidence", Text, nullable=False, comment="JSON list of truncated fragments"),
)
Index("ix_threat_alerts_created_at", threat_alerts.c.created_at)
