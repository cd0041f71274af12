"""Users and service clients.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("email", sa.String(320), nullable=False, comment="normalised: trimmed, lower-cased"),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column(
            "customer_id",
            sa.String(64),
            nullable=True,
            comment="the CRM customer a customer-role user acts for",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_index("ix_users_role_status", "users", ["role", "status"])
    op.create_table(
        "service_clients",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column(
            "secret_hash", sa.Text(), nullable=False, comment="argon2id of the secret; never the secret"
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False, comment="space-separated permission names"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_service_clients_client_id")),
    )


def downgrade() -> None:
    op.drop_table("service_clients")
    op.drop_index("ix_users_role_status", table_name="users")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_table("users")
