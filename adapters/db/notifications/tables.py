"""Notifiers (migration 0019): channels with sealed configs, routing rules, each group's throttle
window, and every notification."""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

channels = Table(
    "notify_channels",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("name", String(100), nullable=False),
    Column("kind", String(16), nullable=False, comment="slack, email or webhook"),
    Column("security", Boolean, nullable=False, comment="admins only; receives identity.* and threat.*"),
    Column("config", LargeBinary, nullable=False, comment="sealed with BHIV_INTEGRATIONS_SEAL_KEY"),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

rules = Table(
    "notify_rules",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("name", String(100), nullable=False),
    Column("events", Text, nullable=False, comment="JSON list of wire types and wildcards"),
    Column("min_severity", String(16), nullable=False),
    Column("channel_ids", Text, nullable=False, comment="JSON list"),
    Column("group_by", Text, nullable=False, comment="JSON list of event field names"),
    Column("repeat_seconds", Float, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

throttles = Table(
    "notify_throttles",
    metadata,
    Column("rule_id", String(36), primary_key=True),
    Column("group_key", String(500), primary_key=True),
    Column("window_until", UtcDateTime, nullable=False),
    Column("suppressed", Integer, nullable=False, comment="events inside the open window, not sent"),
)

notifications = Table(
    "notify_notifications",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("rule_id", String(36), nullable=False),
    Column("channel_id", String(36), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("group_key", String(500), nullable=False),
    Column("subject", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("data", LargeBinary, nullable=False, comment="the event's JSON"),
    Column("status", String(16), nullable=False, comment="pending, sent or failed"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    UniqueConstraint("event_id", "rule_id", "channel_id"),
)
Index("ix_notify_notifications_due", notifications.c.status, notifications.c.next_attempt_at)
Index("ix_notify_notifications_created_at", notifications.c.created_at, notifications.c.id)

contacts = Table(
    "notify_contacts",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("email", String(320), nullable=True, comment="from crm.customer_created; null until known"),
    Column("opted_out", Boolean, nullable=False, comment="the customer's own choice"),
    Column("updated_at", UtcDateTime, nullable=False),
)
