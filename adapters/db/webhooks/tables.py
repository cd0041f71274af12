"""Outbound webhooks (migration 0018): subscriptions with their sealed secrets, one message per
(event, subscription), and every attempt to deliver one."""

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
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

subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("owner", String(64), nullable=False, comment="the subject who created it"),
    Column("url", Text, nullable=False),
    Column("events", Text, nullable=False, comment="JSON list of wire types and wildcards"),
    Column("description", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("sees_security", Boolean, nullable=False, comment="its creator held threats:manage"),
    Column("secret", LargeBinary, nullable=False, comment="sealed with BHIV_INTEGRATIONS_SEAL_KEY"),
    Column("previous_secret", LargeBinary, nullable=True, comment="sealed; signs until previous_until"),
    Column("previous_until", UtcDateTime, nullable=True),
    Column("disabled_reason", Text, nullable=True),
    Column("failing_since", UtcDateTime, nullable=True, comment="first failure since the last success"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_webhook_subscriptions_owner", subscriptions.c.owner)

messages = Table(
    "webhook_messages",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column(
        "subscription_id",
        String(36),
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", String(36), nullable=False, comment="the webhook-id"),
    Column("event_type", String(200), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("data", LargeBinary, nullable=False, comment="the event's JSON"),
    Column("status", String(16), nullable=False, comment="pending, delivered or dead"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("failure", String(16), nullable=True, comment="endpoint or platform"),
    Column("last_error", Text, nullable=True),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    # One attempt chain per (event, subscription), whichever replica saw the event first.
    UniqueConstraint("event_id", "subscription_id"),
)
Index("ix_webhook_messages_due", messages.c.status, messages.c.next_attempt_at)
Index("ix_webhook_messages_subscription_id", messages.c.subscription_id, messages.c.occurred_at)

attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("message_id", String(36), ForeignKey("webhook_messages.id", ondelete="CASCADE"), nullable=False),
    Column(
        "subscription_id",
        String(36),
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", String(36), nullable=False),
    Column("number", Integer, nullable=False),
    Column("attempted_at", UtcDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("latency_ms", Integer, nullable=False),
    Column("response_excerpt", Text, nullable=False),
    Column("error", Text, nullable=True),
    Column("origin", String(16), nullable=True, comment="endpoint or platform; null when delivered"),
)
Index("ix_webhook_attempts_subscription_id", attempts.c.subscription_id, attempts.c.attempted_at)
Index("ix_webhook_attempts_message_id", attempts.c.message_id)

inbound_receipts = Table(
    "inbound_receipts",
    metadata,
    Column("carrier", String(100), primary_key=True),
    Column("message_id", String(200), primary_key=True, comment="the sender's webhook-id"),
    Column("expires_at", UtcDateTime, nullable=False, comment="its timestamp plus the tolerance"),
)
Index("ix_inbound_receipts_expires_at", inbound_receipts.c.expires_at)
