"""Inbound webhooks: the webhook-ids received from carriers (replays refused), and shipments found
by tracking number. Notifiers: channels (sealed configs), rules, throttle windows, notifications,
customer contacts.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbound_receipts",
        sa.Column("carrier", sa.String(100), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False, comment="the sender's webhook-id"),
        sa.Column(
            "expires_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="its timestamp plus the tolerance",
        ),
        sa.PrimaryKeyConstraint("carrier", "message_id", name=op.f("pk_inbound_receipts")),
    )
    op.create_index("ix_inbound_receipts_expires_at", "inbound_receipts", ["expires_at"])
    op.create_index("ix_logistics_shipments_tracking_number", "logistics_shipments", ["tracking_number"])
    op.create_table(
        "notify_channels",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False, comment="slack, email or webhook"),
        sa.Column(
            "security", sa.Boolean(), nullable=False, comment="admins only; receives identity.* and threat.*"
        ),
        sa.Column(
            "config", sa.LargeBinary(), nullable=False, comment="sealed with BHIV_INTEGRATIONS_SEAL_KEY"
        ),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_channels")),
    )
    op.create_table(
        "notify_rules",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("events", sa.Text(), nullable=False, comment="JSON list of wire types and wildcards"),
        sa.Column("min_severity", sa.String(16), nullable=False),
        sa.Column("channel_ids", sa.Text(), nullable=False, comment="JSON list"),
        sa.Column("group_by", sa.Text(), nullable=False, comment="JSON list of event field names"),
        sa.Column("repeat_seconds", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_rules")),
    )
    op.create_table(
        "notify_throttles",
        sa.Column("rule_id", sa.String(36), nullable=False),
        sa.Column("group_key", sa.String(500), nullable=False),
        sa.Column("window_until", WHEN, nullable=False),
        sa.Column(
            "suppressed", sa.Integer(), nullable=False, comment="events inside the open window, not sent"
        ),
        sa.PrimaryKeyConstraint("rule_id", "group_key", name=op.f("pk_notify_throttles")),
    )
    op.create_table(
        "notify_notifications",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("rule_id", sa.String(36), nullable=False),
        sa.Column("channel_id", sa.String(36), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("group_key", sa.String(500), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False, comment="the event's JSON"),
        sa.Column("status", sa.String(16), nullable=False, comment="pending, sent or failed"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_notifications")),
        sa.UniqueConstraint(
            "event_id",
            "rule_id",
            "channel_id",
            name=op.f("uq_notify_notifications_event_id_rule_id_channel_id"),
        ),
    )
    op.create_index("ix_notify_notifications_due", "notify_notifications", ["status", "next_attempt_at"])
    op.create_index("ix_notify_notifications_created_at", "notify_notifications", ["created_at", "id"])
    op.create_table(
        "notify_contacts",
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column(
            "email", sa.String(320), nullable=True, comment="from crm.customer_created; null until known"
        ),
        sa.Column("opted_out", sa.Boolean(), nullable=False, comment="the customer's own choice"),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_notify_contacts")),
    )


def downgrade() -> None:
    op.drop_table("notify_contacts")
    op.drop_index("ix_notify_notifications_created_at", table_name="notify_notifications")
    op.drop_index("ix_notify_notifications_due", table_name="notify_notifications")
    op.drop_table("notify_notifications")
    op.drop_table("notify_throttles")
    op.drop_table("notify_rules")
    op.drop_table("notify_channels")
    op.drop_index("ix_logistics_shipments_tracking_number", table_name="logistics_shipments")
    op.drop_index("ix_inbound_receipts_expires_at", table_name="inbound_receipts")
    op.drop_table("inbound_receipts")
