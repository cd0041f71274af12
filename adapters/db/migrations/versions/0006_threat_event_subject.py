"""Threat events name the authenticated caller, whose strikes block the identity, not its IP.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "threat_events",
        sa.Column(
            "subject",
            sa.String(200),
            nullable=True,
            comment="the authenticated caller: user:<id> or client:<client_id>",
        ),
    )


def downgrade() -> None:
    op.drop_column("threat_events", "subject")
