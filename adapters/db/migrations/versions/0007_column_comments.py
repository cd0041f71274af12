"""Column comments that the tables declare and earlier migrations left out (PostgreSQL keeps
comments; SQLite has none).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENTS: list[tuple[str, str, sa.types.TypeEngine[Any], bool, str]] = [
    ("signing_keys", "sealed_private_key", sa.LargeBinary(), False, "AES-GCM under the master key"),
    (
        "signing_keys",
        "retire_after",
        sa.DateTime(timezone=True),
        True,
        "set on rotation: after this no token it signed lives",
    ),
    ("threat_alerts", "evidence", sa.Text(), False, "JSON list of truncated fragments"),
    ("threat_events", "findings", sa.Text(), False, "JSON list of findings"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, type_, nullable, comment in COMMENTS:
        op.alter_column(table, column, existing_type=type_, existing_nullable=nullable, comment=comment)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, type_, nullable, _ in COMMENTS:
        op.alter_column(table, column, existing_type=type_, existing_nullable=nullable, comment=None)
