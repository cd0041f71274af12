"""The LLM service's usage records.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "llm_usage",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "subject",
            sa.String(64),
            nullable=False,
            comment="who is charged: the end user, key owner or client",
        ),
        sa.Column("api_key_id", sa.String(36), nullable=True, comment="the LLM API key used, if any"),
        sa.Column(
            "client_id", sa.String(64), nullable=True, comment="the service client acting for the subject"
        ),
        sa.Column("model", sa.String(100), nullable=False, comment="as asked: an alias or a model name"),
        sa.Column(
            "provider", sa.String(64), nullable=True, comment="the provider that answered; none on failure"
        ),
        sa.Column("provider_model", sa.String(200), nullable=True),
        sa.Column(
            "tried", sa.String(400), nullable=False, comment="providers that failed before, comma-separated"
        ),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column(
            "estimated", sa.Boolean(), nullable=False, comment="token counts are the documented estimate"
        ),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("cache_hit", sa.Boolean(), nullable=False),
        sa.Column("streamed", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False, comment="ok, or the error code the caller got"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_llm_usage_subject", "llm_usage", ["subject", "occurred_at"])
    op.create_index("ix_llm_usage_occurred_at", "llm_usage", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_llm_usage_occurred_at", table_name="llm_usage")
    op.drop_index("ix_llm_usage_subject", table_name="llm_usage")
    op.drop_table("llm_usage")
