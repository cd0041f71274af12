"""Logistics remembers the customers CRM erased, to refuse them new orders.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "logistics_erased_customers",
        sa.Column("customer_id", sa.String(64), nullable=False, comment="CRM's id; the customer CRM erased"),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id"),
        comment="Filled from crm.customer_erased (migration 0013): no new orders for these customers",
    )


def downgrade() -> None:
    op.drop_table("logistics_erased_customers")
