"""Outbound webhooks: subscriptions with sealed secrets, one message per (event, subscription),
and every delivery attempt.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("owner", sa.String(64), nullable=False, comment="the subject who created it"),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", sa.Text(), nullable=False, comment="JSON list of wire types and wildcards"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sees_security", sa.Boolean(), nullable=False, comment="its creator held threats:manage"),
        sa.Column(
            "secret", sa.LargeBinary(), nullable=False, comment="sealed with BHIV_INTEGRATIONS_SEAL_KEY"
        ),
        sa.Column(
            "previous_secret", sa.LargeBinary(), nullable=True, comment="sealed; signs until previous_until"
        ),
        sa.Column("previous_until", WHEN, nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.Column("failing_since", WHEN, nullable=True, comment="first failure since the last success"),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_index("ix_webhook_subscriptions_owner", "webhook_subscriptions", ["owner"])
    op.create_table(
        "webhook_messages",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False, comment="the webhook-id"),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("occurred_at", WHEN, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False, comment="the event's JSON"),
        sa.Column("status", sa.String(16), nullable=False, comment="pending, delivered or dead"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=True),
        sa.Column("failure", sa.String(16), nullable=True, comment="endpoint or platform"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(200), nullable=True),
        sa.Column("lease_until", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_messages_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_messages")),
        sa.UniqueConstraint(
            "event_id", "subscription_id", name=op.f("uq_webhook_messages_event_id_subscription_id")
        ),
    )
    op.create_index("ix_webhook_messages_due", "webhook_messages", ["status", "next_attempt_at"])
    op.create_index(
        "ix_webhook_messages_subscription_id", "webhook_messages", ["subscription_id", "occurred_at"]
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("attempted_at", WHEN, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("response_excerpt", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "origin", sa.String(16), nullable=True, comment="endpoint or platform; null when delivered"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["webhook_messages.id"],
            name=op.f("fk_webhook_attempts_message_id_webhook_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_attempts_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    op.create_index(
        "ix_webhook_attempts_subscription_id", "webhook_attempts", ["subscription_id", "attempted_at"]
    )
    op.create_index("ix_webhook_attempts_message_id", "webhook_attempts", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_attempts_message_id", table_name="webhook_attempts")
    op.drop_index("ix_webhook_attempts_subscription_id", table_name="webhook_attempts")
    op.drop_table("webhook_attempts")
    op.drop_index("ix_webhook_messages_subscription_id", table_name="webhook_messages")
    op.drop_index("ix_webhook_messages_due", table_name="webhook_messages")
    op.drop_table("webhook_messages")
    op.drop_index("ix_webhook_subscriptions_owner", table_name="webhook_subscriptions")
    op.drop_table("webhook_subscriptions")
