"""Inbound webhooks: the webhook-ids received from carriers (replays refused), and shipments found
by tracking number.

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


def downgrade() -> None:
    op.drop_index("ix_logistics_shipments_tracking_number", table_name="logistics_shipments")
    op.drop_index("ix_inbound_receipts_expires_at", table_name="inbound_receipts")
    op.drop_table("inbound_receipts")
