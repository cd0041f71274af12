"""Threat events and alerts.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "threat_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.String(200), nullable=True),
        sa.Column("block_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat_events")),
    )
    op.create_index("ix_threat_events_occurred_at_id", "threat_events", ["occurred_at", "id"])
    op.create_index("ix_threat_events_ip", "threat_events", ["ip"])
    op.create_table(
        "threat_alerts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat_alerts")),
    )
    op.create_index("ix_threat_alerts_created_at", "threat_alerts", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_threat_alerts_created_at", table_name="threat_alerts")
    op.drop_table("threat_alerts")
    op.drop_index("ix_threat_events_ip", table_name="threat_events")
    op.drop_index("ix_threat_events_occurred_at_id", table_name="threat_events")
    op.drop_table("threat_events")
