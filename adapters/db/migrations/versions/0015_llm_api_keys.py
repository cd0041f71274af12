"""LLM API keys (bhiv_sk_...): owned by users, stored as the key's SHA-256 (decision 0031).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "llm_api_keys",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column(
            "prefix", sa.String(16), nullable=False, comment="bhiv_sk_ and the first characters, for lists"
        ),
        sa.Column("secret_hash", sa.String(64), nullable=False, comment="SHA-256 of the key; never the key"),
        sa.Column("scopes", sa.Text(), nullable=False, comment="space-separated permission names"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "last_used_at", sa.DateTime(timezone=True), nullable=True, comment="written at most once a minute"
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "daily_token_limit",
            sa.Integer(),
            nullable=True,
            comment="tokens per UTC day; enforced by the LLM service",
        ),
        sa.Column(
            "rpm_limit",
            sa.Integer(),
            nullable=True,
            comment="requests per minute; enforced by the LLM service",
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_hash"),
    )
    op.create_index("ix_llm_api_keys_owner", "llm_api_keys", ["owner_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_llm_api_keys_owner", table_name="llm_api_keys")
    op.drop_table("llm_api_keys")
